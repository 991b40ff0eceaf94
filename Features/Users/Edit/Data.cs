using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Users.Edit;

/// <summary>A user row as the admin check needs it, locked.</summary>
sealed class LockedUser
{
    [Column("id")] public Guid Id { get; set; }
    [Column("role")] public string Role { get; set; } = "";
    [Column("active")] public bool Active { get; set; }

    public bool IsActiveAdmin => Active && Role == InboxRoles.Admin;
}

static class Data
{
    /// <summary>
    /// The target user and every admin of the account, row-locked in id order (so two edits always lock in the same
    /// order and cannot deadlock), inside the caller's transaction. Two admins demoting or deactivating each other
    /// at once are serialised here: the second waits for the first to commit, and PostgreSQL then re-reads the
    /// locked rows, so it sees the first one's change (an admin demoted meanwhile drops out of the list) and cannot
    /// leave the account without an active admin. An admin added meanwhile is not seen: that errs on the side of
    /// a 409, never of an account with no admin. NO KEY UPDATE, like the UPDATE that follows: it does not block
    /// inserts elsewhere that merely reference these users. Empty of the target when it is not this account's.
    /// </summary>
    public static Task<List<LockedUser>> LockTargetAndAdminsAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.QueryToListAsync<LockedUser>(
            """
            SELECT id, role, active FROM users
            WHERE account_id = @account AND (role = 'admin' OR id = @user)
            ORDER BY id
            FOR NO KEY UPDATE
            """, ct,
            new DataParameter("account", accountId), new DataParameter("user", userId));

    /// <summary>Sets the fields present in the request (the row is locked already) and answers the row as it is now.</summary>
    public static async Task<UserRow> UpdateAsync(InboxDb db, Guid accountId, Request req, CancellationToken ct)
    {
        if (!req.ChangesNothing)
        {
            var update = db.Users.Where(u => u.Id == req.Id && u.AccountId == accountId).AsUpdatable();
            if (req.Name.IsSet) update = update.Set(u => u.Name, req.Name.Value!.Trim());
            if (req.Role.IsSet) update = update.Set(u => u.Role, req.Role.Value!);
            if (req.Active.IsSet) update = update.Set(u => u.Active, req.Active.Value!.Value);
            await update.UpdateAsync(ct);
        }
        return await db.Users.FirstAsync(u => u.Id == req.Id && u.AccountId == accountId, ct);
    }
}
