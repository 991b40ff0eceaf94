using Inbox.Features.Users;
using Npgsql;

namespace Inbox.Features.Accounts.SignUp;

static class Data
{
    /// <summary>Inserts the account and its first (admin) user; false when the email is taken (the unique index decides).</summary>
    public static async Task<bool> TryCreateAsync(InboxDb db, AccountRow account, UserRow admin, CancellationToken ct)
    {
        try
        {
            await db.InsertAsync(account, token: ct);
            await db.InsertAsync(admin, token: ct);
            return true;
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UserRules.EmailUniqueIndex })
        {
            return false;
        }
    }
}
