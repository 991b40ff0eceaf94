using LinqToDB.DataProvider.PostgreSQL;

namespace Inbox.Features.Conversations;

/// <summary>
/// Builds <c>conversation</c> answers for a set of ids in two statements, however many there are (no N+1): the
/// conversations joined to their last message, then every participant of them with the caller's unread count.
/// Shared by the conversation slices (start, list, get, edit) because all of them answer with this shape.
/// </summary>
public static class ConversationReader
{
    /// <returns>The conversations of <paramref name="accountId"/> among <paramref name="ids"/>, in the order of <paramref name="ids"/>.</returns>
    public static async Task<IReadOnlyList<ConversationResponse>> LoadAsync(
        InboxDb db, Guid accountId, Guid? callerUserId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var idArray = ids.ToArray();
        // An API key has no user id: it matches no participant, so its unreadCount is 0 and muted false.
        var me = callerUserId ?? Guid.Empty;

        var conversations = await (
            from c in db.Conversations
            from m in db.Messages.LeftJoin(m => m.Id == c.LastMessageId)
            where c.AccountId == accountId && Sql.Ext.PostgreSQL().ValueIsEqualToAny(c.Id, idArray)
            select new { Conversation = c, LastMessage = (MessageRow?)m }).ToListAsync(ct);

        // Only the caller's own row evaluates the view's count sub-select (CASE is lazy in PostgreSQL).
        var participants = await db.ParticipantUnread
            .Where(p => p.AccountId == accountId && Sql.Ext.PostgreSQL().ValueIsEqualToAny(p.ConversationId, idArray))
            .OrderBy(p => p.JoinedAt).ThenBy(p => p.UserId)
            .Select(p => new { p.ConversationId, p.UserId, p.Muted, Unread = p.UserId == me ? p.UnreadCount : 0L })
            .ToListAsync(ct);
        var byConversation = participants.ToLookup(p => p.ConversationId);

        var answers = conversations.ToDictionary(x => x.Conversation.Id, x =>
        {
            var c = x.Conversation;
            var mine = byConversation[c.Id].FirstOrDefault(p => p.UserId == me);
            return new ConversationResponse(
                c.Id, c.Subject, c.Channel, c.Status,
                new ContactResponse(c.ContactName, c.ContactEmail, c.ContactPhone, c.ContactExternalId),
                c.AssigneeId,
                byConversation[c.Id].Select(p => p.UserId).ToList(),
                x.LastMessage is null ? null : MessageResponse.From(x.LastMessage),
                c.LastActivityAt, c.CreatedAt,
                mine?.Unread ?? 0, mine?.Muted ?? false);
        });
        return ids.Where(answers.ContainsKey).Select(id => answers[id]).ToList();
    }

    public static async Task<ConversationResponse?> LoadOneAsync(InboxDb db, Guid accountId, Guid? callerUserId, Guid id, CancellationToken ct) =>
        (await LoadAsync(db, accountId, callerUserId, [id], ct)).FirstOrDefault();
}
