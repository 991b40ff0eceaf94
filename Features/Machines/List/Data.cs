namespace Inbox.Features.Machines.List;

static class Data
{
    /// <summary>Every machine of the account, oldest first (a workshop has tens of machines, not thousands).</summary>
    public static Task<List<MachineRow>> ListAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.Machines.Where(m => m.AccountId == accountId).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
}
