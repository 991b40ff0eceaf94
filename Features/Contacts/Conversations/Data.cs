using Inbox.Features.Conversations;
using Inbox.Features.Shapes;

namespace Inbox.Features.Contacts.Conversations;

static class Data
{
    public static Task<bool> ExistsAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.Contacts.AnyAsync(c => c.Id == id && c.AccountId == accountId, ct);

    /// <summary>(last_activity_at, id) of one page of the contact's conversations, most recent activity first (conversations_contact_activity).</summary>
    public static Task<List<ConversationRow>> PageAsync(InboxDb db, Guid accountId, Guid contactId, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var query = db.Conversations.Where(c => c.ContactId == contactId && c.AccountId == accountId);
        if (after is var (at, id)) query = query.Where(c => c.LastActivityAt < at || (c.LastActivityAt == at && c.Id < id));
        return query.OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id).Take(take).ToListAsync(ct);
    }

    public static Task<IReadOnlyList<ConversationResponse>> LoadAsync(InboxDb db, Guid accountId, Guid? userId, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ConversationReader.LoadAsync(db, accountId, userId, ids, ct);
}
