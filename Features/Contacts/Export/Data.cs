using LinqToDB.Data;

namespace Inbox.Features.Contacts.Export;

static class Data
{
    /// <summary>The custom field names the account's contacts use, sorted: the export's extra columns.</summary>
    public static Task<List<string>> FieldNamesAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.QueryToListAsync<string>(
            "SELECT DISTINCT k FROM contacts, jsonb_object_keys(fields) k WHERE account_id = @account ORDER BY k", ct,
            new DataParameter("account", accountId));

    public static async Task<Dictionary<Guid, string>> UserEmailsAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        (await db.Users.Where(u => u.AccountId == accountId).Select(u => new { u.Id, u.Email }).ToListAsync(ct)).ToDictionary(u => u.Id, u => u.Email);

    /// <summary>One batch of the account's contacts in id order after <paramref name="after"/>: the export pages through the primary key.</summary>
    public static Task<List<ContactRow>> BatchAsync(InboxDb db, Guid accountId, Guid? after, int take, CancellationToken ct) =>
        db.Contacts.Where(c => c.AccountId == accountId && (after == null || c.Id > after.Value))
            .OrderBy(c => c.Id).Take(take).ToListAsync(ct);
}
