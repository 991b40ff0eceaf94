namespace Inbox.Features.Users.Me;

static class Data
{
    public static Task<UserRow?> FindAsync(InboxDb db, Guid accountId, Guid? userId, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.Id == userId && u.AccountId == accountId, ct);
}
