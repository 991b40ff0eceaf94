using LinqToDB.Data;

namespace Inbox.Features.ReadReceipts.Mute;

static class Data
{
    public static Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>True when the flag changed (a new participant row counts as a change).</summary>
    public static async Task<bool> MuteAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Instant now, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, muted, joined_at)
            VALUES (@conversation, @user, @account, true, @now)
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET muted = true
             WHERE conversation_participants.muted = false
            """, ct,
            new DataParameter("conversation", conversationId), new DataParameter("user", userId),
            new DataParameter("account", accountId), new DataParameter("now", now)) == 1;

    public static async Task<bool> UnmuteAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, CancellationToken ct) =>
        await db.Participants
            .Where(p => p.ConversationId == conversationId && p.UserId == userId && p.AccountId == accountId && p.Muted)
            .Set(p => p.Muted, false)
            .UpdateAsync(ct) == 1;
}
