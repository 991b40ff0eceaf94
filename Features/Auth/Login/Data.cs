using LinqToDB.Data;

namespace Inbox.Features.Auth.Login;

static class Data
{
    /// <summary>Case-insensitive, served by the unique index on lower(email).</summary>
    public static Task<UserRow?> FindByEmailAsync(InboxDb db, string email, CancellationToken ct)
    {
        var lowered = email.ToLowerInvariant();
        return db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == lowered, ct);
    }

    /// <summary>
    /// Whether the user is still active, holding a share lock on their row until the new session is committed. A
    /// deactivation (an UPDATE of that row) therefore either commits first, and this sees it, or waits for this
    /// login to commit, and then revokes the session it just started too. Without the lock a login checked before
    /// the deactivation could start a session after it, which nothing would ever revoke.
    /// </summary>
    public static async Task<bool> LockIfActiveAsync(InboxDb db, Guid userId, CancellationToken ct) =>
        (await db.QueryToListAsync<int>("SELECT 1 FROM users WHERE id = @id AND active FOR SHARE", ct, new DataParameter("id", userId))).Count > 0;
}
