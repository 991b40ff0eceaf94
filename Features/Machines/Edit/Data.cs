namespace Inbox.Features.Machines.Edit;

static class Data
{
    public static Task<MachineRow?> FindAsync(InboxDb db, Guid accountId, Guid machineId, CancellationToken ct) =>
        db.Machines.FirstOrDefaultAsync(m => m.Id == machineId && m.AccountId == accountId, ct);

    /// <summary>
    /// One UPDATE of only the fields present (two concurrent edits of different fields both stay), then the row as
    /// it is afterwards, read in the same transaction while the UPDATE still locks it; null when the machine is not
    /// the account's.
    /// </summary>
    public static async Task<MachineRow?> UpdateAsync(InboxDb db, Guid accountId, Request req, CancellationToken ct)
    {
        var update = db.Machines.Where(m => m.Id == req.Id && m.AccountId == accountId).AsUpdatable();
        if (req.Name.IsSet) update = update.Set(m => m.Name, req.Name.Value!.Trim());
        if (req.Location.IsSet) update = update.Set(m => m.Location, MachineRules.Blank(req.Location.Value));
        if (req.SerialNumber.IsSet) update = update.Set(m => m.SerialNumber, MachineRules.Blank(req.SerialNumber.Value));

        await using var tx = await db.BeginTransactionAsync(ct);
        if (await update.UpdateAsync(ct) == 0) return null;
        var machine = await FindAsync(db, accountId, req.Id, ct);
        await tx.CommitAsync(ct);
        return machine;
    }
}
