using Inbox.Infrastructure.Events;

namespace Inbox.Features.ReadReceipts;

/// <summary>
/// Raises <c>unread.updated</c> for users whose count in a conversation may have changed (a post, a mark-read,
/// a mute, a new participant). Shared by the slices that cause such changes; the counts come from the
/// <c>participant_unread</c> view, the same definition every answer uses, read after the change committed.
/// </summary>
public static class UnreadCounts
{
    /// <summary>One statement: each user's count in the conversation, and their total over unmuted conversations.</summary>
    public static async Task PublishAsync(InboxDb db, IInboxEvents events, Guid accountId, Guid conversationId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return;
        var users = userIds.ToArray();
        var counts = await db.ParticipantUnread
            .Where(p => p.AccountId == accountId && p.ConversationId == conversationId && users.Contains(p.UserId))
            .Select(p => new
            {
                p.UserId,
                p.UnreadCount,
                Total = db.ParticipantUnread
                    .Where(q => q.AccountId == accountId && q.UserId == p.UserId && !q.Muted)
                    .Sum(q => (long?)q.UnreadCount) ?? 0L,
            })
            .ToListAsync(ct);
        foreach (var c in counts)
            events.Publish(new UnreadUpdated(accountId, c.UserId, conversationId, c.UnreadCount, c.Total));
    }
}
