using LinqToDB.DataProvider.PostgreSQL;

namespace Inbox.Features.Tickets.ChangeStatus;

static class Data
{
    /// <summary>
    /// The ticket, locked (<c>SELECT … FOR UPDATE</c>) until the caller's transaction ends. A concurrent status
    /// change of the same ticket waits here and then reads the committed status, so each transition is checked
    /// against the state it really leaves and no change is lost.
    /// </summary>
    public static Task<TicketRow?> LockAsync(InboxDb db, Guid accountId, Guid ticketId, CancellationToken ct) =>
        db.Tickets
            .Where(t => t.Id == ticketId && t.AccountId == accountId)
            .QueryHint(PostgreSQLHints.ForUpdate)
            .FirstOrDefaultAsync(ct);

    public static async Task MoveAsync(InboxDb db, TicketRow ticket, string to, string? note, Guid? byUserId, Instant now, CancellationToken ct)
    {
        var from = ticket.Status;
        await db.Tickets
            .Where(t => t.Id == ticket.Id && t.AccountId == ticket.AccountId)
            .Set(t => t.Status, to)
            .Set(t => t.UpdatedAt, now)
            .UpdateAsync(ct);
        await db.InsertAsync(new TicketHistoryRow
        {
            AccountId = ticket.AccountId,
            TicketId = ticket.Id,
            FromStatus = from,
            ToStatus = to,
            Note = note,
            ByUserId = byUserId,
            At = now,
        }, token: ct);
        ticket.Status = to;
        ticket.UpdatedAt = now;
    }
}
