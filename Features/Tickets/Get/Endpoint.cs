namespace Inbox.Features.Tickets.Get;

/// <summary>One ticket of the caller's account; another account's id answers 404 like an unknown one.</summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request, TicketResponse>
{
    public override void Configure()
    {
        Get("/api/tickets/{id}");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var ticket = await Data.FindAsync(db, User.Caller().AccountId, req.Id, ct);
        if (ticket is null)
            ThrowError("No such ticket.", StatusCodes.Status404NotFound);
        await Send.OkAsync(TicketResponse.From(ticket, clock.GetCurrentInstant()), ct);
    }
}
