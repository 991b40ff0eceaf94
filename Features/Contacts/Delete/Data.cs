using LinqToDB.Data;

namespace Inbox.Features.Contacts.Delete;

static class Data
{
    /// <summary>
    /// Deletes the contact; false when the account has none with this id. Its conversations first get the
    /// contact's current fields as their own copy (what they show from now on, with id null), then the foreign key's
    /// ON DELETE SET NULL unlinks them. Conversations are written before the contact row is touched: the lock
    /// order of a message post (conversation, then contact through its trigger), so the two cannot deadlock.
    /// </summary>
    public static async Task<bool> DeleteAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync(
            """
            UPDATE conversations c
               SET contact_name = ct.name, contact_email = ct.email, contact_phone = ct.phone, contact_external_id = ct.external_id
              FROM contacts ct
             WHERE ct.id = @id AND ct.account_id = @account AND c.contact_id = ct.id AND c.account_id = @account
            """, ct, new DataParameter("id", id), new DataParameter("account", accountId));
        var deleted = await db.Contacts.Where(c => c.Id == id && c.AccountId == accountId).DeleteAsync(ct);
        if (deleted == 0) return false;
        await tx.CommitAsync(ct);
        return true;
    }
}
