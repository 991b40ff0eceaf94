namespace Inbox.Features.Tickets.Open;

static class Data
{
    public static Task<bool> MachineExistsAsync(InboxDb db, Guid accountId, Guid machineId, CancellationToken ct) =>
        db.Machines.AnyAsync(m => m.Id == machineId && m.AccountId == accountId, ct);

    public static Task<bool> UserExistsAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == userId && u.AccountId == accountId, ct);

    /// <summary>
    /// The ticket and its first history row (from none to <c>received</c>), together or not at all (and with the
    /// stored answer of an Idempotency-Key, whose transaction this joins).
    /// </summary>
    public static async Task InsertAsync(InboxDb db, TicketRow ticket, Guid? byUserId, CancellationToken ct)
    {
        await using var work = await db.BeginOrJoinTransactionAsync(ct);
        await db.InsertAsync(ticket, token: ct);
        await db.InsertAsync(new TicketHistoryRow
        {
            AccountId = ticket.AccountId,
            TicketId = ticket.Id,
            FromStatus = null,
            ToStatus = ticket.Status,
            ByUserId = byUserId,
            At = ticket.CreatedAt,
        }, token: ct);
        await work.CommitAsync(ct);
    }
}
