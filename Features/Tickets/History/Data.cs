namespace Inbox.Features.Tickets.History;

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
