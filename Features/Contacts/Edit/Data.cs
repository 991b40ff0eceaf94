using Npgsql;

namespace Inbox.Features.Contacts.Edit;

static class Data
{
    public static Task<string?> PhoneRegionAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        ContactStore.PhoneRegionAsync(db, accountId, ct);

    public static Task<ContactRow?> LockAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        ContactStore.LockAsync(db, accountId, id, ct);

    /// <summary>Writes the changed row; false when a concurrent change took one of its keys first (a unique violation).</summary>
    public static async Task<bool> TryUpdateAsync(InboxDb db, ContactRow contact, CancellationToken ct)
    {
        try
        {
            await db.UpdateAsync(contact, token: ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }
}
