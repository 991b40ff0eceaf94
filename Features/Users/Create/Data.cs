using Npgsql;

namespace Inbox.Features.Users.Create;

static class Data
{
    /// <summary>Inserts the user; false when the email is taken (the unique index decides, whatever the case).</summary>
    public static async Task<bool> TryInsertAsync(InboxDb db, UserRow user, CancellationToken ct)
    {
        try
        {
            await db.InsertAsync(user, token: ct);
            return true;
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UserRules.EmailUniqueIndex })
        {
            return false;
        }
    }
}
