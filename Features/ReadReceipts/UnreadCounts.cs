using Inbox.Infrastructure.Events;

namespace Inbox.Features.ReadReceipts;

/// <summary>
/// Raises <c>unread.updated</c> for users whose count in a conversation may have changed (a post, a mark-read,
/// a mute, a new participant). Shared by the slices that cause such changes; the counts come from the
/// <c>participant_unread</c> view, the same definition every answer uses, read after the change committed.
/// </summary>
public static class UnreadCounts
{
    /// <summary>
    /// One statement: each user's count in the conversation, and their total over unmuted conversations. Runs after
    /// the change committed, so it never fails the request: a lost notification costs a client a refresh, a 5xx
    /// after a committed post would invite a duplicate retry.
    /// </summary>
    public static async Task PublishAsync(InboxDb db, IInboxEvents events, ILogger logger, Guid accountId, Guid conversationId, IReadOnlyCollection<Guid> userIds)
    {
        if (userIds.Count == 0) return;
        try
        {
            // Not the request's token: the change is committed, and other users are owed the news even if this
            // client has gone away.
            await CountAndPublishAsync(db, events, accountId, conversationId, userIds.ToArray(), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not raise unread.updated for conversation {ConversationId}", conversationId);
        }
    }

    static async Task CountAndPublishAsync(InboxDb db, IInboxEvents events, Guid accountId, Guid conversationId, Guid[] users, CancellationToken ct)
    {
        var counts = await db.ParticipantUnread
            .Where(p => p.AccountId == accountId && p.ConversationId == conversationId && users.Contains(p.UserId))
            .Select(p => new
            {
                p.UserId,
                p.UnreadCount,
                // Conversations with nothing after the receipt are skipped without counting.
                Total = (from q in db.ParticipantUnread
                         join c in db.Conversations on q.ConversationId equals c.Id
                         where q.AccountId == accountId && q.UserId == p.UserId && !q.Muted && c.LastSeq > q.LastReadSeq
                         select (long?)q.UnreadCount).Sum() ?? 0L,
            })
            .ToListAsync(ct);
        foreach (var c in counts)
            events.Publish(new UnreadUpdated(accountId, c.UserId, conversationId, c.UnreadCount, c.Total));
    }
}
