namespace Inbox.Features.Contacts.ChangeLeadStatus;

static class Data
{
    public static Task<ContactRow?> LockAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        ContactStore.LockAsync(db, accountId, id, ct);

    /// <summary>The move and its history row; the caller holds the row lock and commits both together.</summary>
    public static async Task MoveAsync(InboxDb db, ContactRow contact, string to, string? note, Guid? byUserId, Instant now, CancellationToken ct)
    {
        var from = contact.LeadStatus;
        contact.LeadStatus = to;
        contact.UpdatedAt = now;
        await db.Contacts.Where(c => c.Id == contact.Id)
            .Set(c => c.LeadStatus, to)
            .Set(c => c.UpdatedAt, now)
            .UpdateAsync(ct);
        await ContactStore.AddHistoryAsync(db, contact, from, to, note, byUserId, now, ct);
    }
}
