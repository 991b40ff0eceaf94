namespace Inbox.Features.Tickets.Get;

static class Data
{
    public static Task<TicketRow?> FindAsync(InboxDb db, Guid accountId, Guid ticketId, CancellationToken ct) =>
        db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId && t.AccountId == accountId, ct);
}
