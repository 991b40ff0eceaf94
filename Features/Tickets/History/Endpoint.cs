namespace Inbox.Features.Tickets.History;

public sealed class Request
{
    public Guid Id { get; set; }
}

/// <summary><c>from</c> is null on the first entry: the ticket's creation.</summary>
public sealed record Response(string? From, string To, string? Note, Guid? ByUserId, Instant At);

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

static class Data
{
    public static Task<bool> TicketExistsAsync(InboxDb db, Guid accountId, Guid ticketId, CancellationToken ct) =>
        db.Tickets.AnyAsync(t => t.Id == ticketId && t.AccountId == accountId, ct);

    /// <summary>In insertion order (the identity key), which is the order of the changes: see migration 0003.</summary>
    public static async Task<IReadOnlyList<Response>> ListAsync(InboxDb db, Guid accountId, Guid ticketId, CancellationToken ct) =>
        await db.TicketHistory
            .Where(h => h.TicketId == ticketId && h.AccountId == accountId)
            .OrderBy(h => h.Id)
            .Select(h => new Response(h.FromStatus, h.ToStatus, h.Note, h.ByUserId, h.At))
            .ToListAsync(ct);
}
