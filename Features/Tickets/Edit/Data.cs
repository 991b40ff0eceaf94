namespace Inbox.Features.Tickets.Edit;

static class Data
{
    public static Task<bool> MachineExistsAsync(InboxDb db, Guid accountId, Guid machineId, CancellationToken ct) =>
        db.Machines.AnyAsync(m => m.Id == machineId && m.AccountId == accountId, ct);

    public static Task<bool> UserExistsAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == userId && u.AccountId == accountId, ct);

    public static Task<TicketRow?> FindAsync(InboxDb db, Guid accountId, Guid ticketId, CancellationToken ct) =>
        db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId && t.AccountId == accountId, ct);

    /// <summary>
    /// One UPDATE that sets only the fields present in the request (never a read-modify-write of the whole row,
    /// so it cannot undo a concurrent status change), then the row as it is afterwards, read in the same
    /// transaction while the UPDATE still locks it; null when the ticket is not the account's.
    /// </summary>
    public static async Task<TicketRow?> UpdateAsync(InboxDb db, Guid accountId, Request req, Instant now, CancellationToken ct)
    {
        var update = db.Tickets.Where(t => t.Id == req.Id && t.AccountId == accountId).Set(t => t.UpdatedAt, now);
        if (req.Title.IsSet) update = update.Set(t => t.Title, req.Title.Value!.Trim());
        if (req.Description.IsSet) update = update.Set(t => t.Description, TicketRules.NormalizeDescription(req.Description.Value));
        if (req.Priority.IsSet) update = update.Set(t => t.Priority, req.Priority.Value!);
        if (req.MachineId.IsSet) update = update.Set(t => t.MachineId, req.MachineId.Value);
        if (req.ScheduledAt.IsSet) update = update.Set(t => t.ScheduledAt, TicketRules.ToDatabasePrecision(req.ScheduledAt.Value));
        if (req.AssigneeId.IsSet) update = update.Set(t => t.AssigneeId, req.AssigneeId.Value);

        await using var tx = await db.BeginTransactionAsync(ct);
        if (await update.UpdateAsync(ct) == 0) return null;
        var ticket = await FindAsync(db, accountId, req.Id, ct);
        await tx.CommitAsync(ct);
        return ticket;
    }
}
