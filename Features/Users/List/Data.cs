namespace Inbox.Features.Users.List;

static class Data
{
    /// <summary>Every user of the account, oldest first (accounts hold tens of users, not thousands).</summary>
    public static Task<List<UserRow>> ListAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.Users.Where(u => u.AccountId == accountId).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToListAsync(ct);
}
