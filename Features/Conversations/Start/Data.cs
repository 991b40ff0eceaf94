using LinqToDB.Data;

namespace Inbox.Features.Conversations.Start;

static class Data
{
    /// <summary>Which of <paramref name="ids"/> are users of the account.</summary>
    public static async Task<HashSet<Guid>> UsersOfAccountAsync(InboxDb db, Guid accountId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var wanted = ids.ToArray();
        var found = await db.Users.Where(u => u.AccountId == accountId && wanted.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        return found.ToHashSet();
    }

    public static Task<string?> PhoneRegionAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.Accounts.Where(a => a.Id == accountId).Select(a => a.DefaultPhoneRegion).FirstOrDefaultAsync(ct);

    public static Task<ContactRow?> ContactOfAccountAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.Contacts.FirstOrDefaultAsync(c => c.Id == id && c.AccountId == accountId, ct);

    public static async Task InsertAsync(InboxDb db, ConversationRow conversation, IReadOnlyList<ParticipantRow> participants, CancellationToken ct)
    {
        await db.InsertAsync(conversation, token: ct);
        if (participants.Count > 0)
            await db.Participants.BulkCopyAsync(new BulkCopyOptions { BulkCopyType = BulkCopyType.MultipleRows }, participants, ct);
    }
}
