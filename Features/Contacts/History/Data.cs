namespace Inbox.Features.Contacts.History;

static class Data
{
    public static Task<bool> ExistsAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.Contacts.AnyAsync(c => c.Id == id && c.AccountId == accountId, ct);

    /// <summary>Oldest first (the identity orders it; the index contact_lead_history_contact).</summary>
    public static Task<List<ContactLeadHistoryRow>> ListAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.ContactLeadHistory.Where(h => h.ContactId == id && h.AccountId == accountId).OrderBy(h => h.Id).ToListAsync(ct);
}
