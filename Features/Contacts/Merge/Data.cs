using LinqToDB.Data;
using Inbox.Features.Shapes;

namespace Inbox.Features.Contacts.Merge;

static class Data
{
    /// <summary>
    /// Points the duplicate's conversations at the survivor. First, before either contact row is locked: a message
    /// post locks its conversation and then (trigger) its contact, so taking the conversations first keeps one lock order.
    /// </summary>
    public static Task<int> MoveConversationsAsync(InboxDb db, Guid accountId, Guid survivorId, Guid duplicateId, CancellationToken ct) =>
        db.Conversations.Where(c => c.ContactId == duplicateId && c.AccountId == accountId)
            .Set(c => c.ContactId, survivorId)
            .UpdateAsync(ct);

    /// <summary>Both contacts under row locks, taken in id order so two merges of the same pair cannot deadlock.</summary>
    public static Task<List<ContactRow>> LockBothAsync(InboxDb db, Guid accountId, Guid a, Guid b, CancellationToken ct) =>
        db.Contacts.Where(c => c.AccountId == accountId && (c.Id == a || c.Id == b)).OrderBy(c => c.Id).QueryHint("FOR UPDATE").ToListAsync(ct);

    /// <summary>
    /// The duplicate's history moves to the survivor, the duplicate is deleted (freeing its keys), and the survivor
    /// takes what it lacked. The caller commits all of it together with the conversation move.
    /// </summary>
    public static async Task MergeAsync(InboxDb db, ContactRow survivor, ContactRow duplicate, Instant now, CancellationToken ct)
    {
        await db.ContactLeadHistory.Where(h => h.ContactId == duplicate.Id).Set(h => h.ContactId, survivor.Id).UpdateAsync(ct);
        await db.Contacts.Where(c => c.Id == duplicate.Id).DeleteAsync(ct);

        survivor.Name ??= duplicate.Name;
        survivor.Email ??= duplicate.Email;
        survivor.Phone ??= duplicate.Phone;
        survivor.ExternalId ??= duplicate.ExternalId;
        survivor.Company ??= duplicate.Company;
        survivor.Notes ??= duplicate.Notes;
        survivor.LeadCode ??= duplicate.LeadCode;
        survivor.Source ??= duplicate.Source;
        survivor.Score ??= duplicate.Score;
        survivor.OwnerId ??= duplicate.OwnerId;
        var fields = new Dictionary<string, string>(ContactFieldsJson.Read(duplicate.Fields));
        foreach (var (name, value) in ContactFieldsJson.Read(survivor.Fields)) fields[name] = value;
        survivor.Fields = ContactFieldsJson.Write(fields.Count <= ContactRules.MaxFields ? fields : new Dictionary<string, string>(ContactFieldsJson.Read(survivor.Fields)));
        if (duplicate.LastInteractionAt is { } at && (survivor.LastInteractionAt is null || survivor.LastInteractionAt < at))
            survivor.LastInteractionAt = at;
        survivor.UpdatedAt = now;
        await db.UpdateAsync(survivor, token: ct);
    }
}
