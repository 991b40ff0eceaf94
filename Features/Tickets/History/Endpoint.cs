namespace Inbox.Features.Tickets.History;

/// <summary>A ticket's status changes, oldest first (a ticket has a handful, so the list is not paginated).</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, IReadOnlyList<Response>>
{
    public override void Configure()
    {
        Get("/api/tickets/{id}/history");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        if (!await Data.TicketExistsAsync(db, accountId, req.Id, ct))
            ThrowError("No such ticket.", StatusCodes.Status404NotFound);
        await Send.OkAsync(await Data.ListAsync(db, accountId, req.Id, ct), ct);
    }
}
