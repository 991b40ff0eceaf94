using LinqToDB.Data;

namespace Inbox.Features.ReadReceipts.Mark;

sealed record Target(long Seq, Guid? MessageId);

static class Data
{
    /// <summary>The conversation's newest message as the read target, or null when the conversation is not the account's.</summary>
    public static Task<Target?> LatestAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.Where(c => c.Id == conversationId && c.AccountId == accountId)
            .Select(c => new Target(c.LastSeq, c.LastMessageId)).FirstOrDefaultAsync(ct);

    public static Task<Target?> MessageAsync(InboxDb db, Guid accountId, Guid conversationId, Guid messageId, CancellationToken ct) =>
        db.Messages.Where(m => m.Id == messageId && m.ConversationId == conversationId && m.AccountId == accountId)
            .Select(m => new Target(m.Seq, m.Id)).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Moves the receipt forward to <paramref name="target"/>, making the reader a participant if they were not one.
    /// The guard on the update is GREATEST(last_read_seq, @seq) for the three columns at once: a receipt never moves
    /// backwards, and its message id and time always belong to its seq. Concurrent marks queue on the row lock and
    /// each re-checks the guard against the newest row. True when the receipt moved (or was created).
    /// </summary>
    public static async Task<bool> MoveForwardAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Target target, Instant now, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO conversation_participants
                   (conversation_id, user_id, account_id, last_read_seq, last_read_message_id, last_read_at, joined_at)
            VALUES (@conversation, @user, @account, @seq, @message, CASE WHEN @message::uuid IS NULL THEN NULL ELSE @now END, @now)
            ON CONFLICT (conversation_id, user_id) DO UPDATE
               SET last_read_seq = EXCLUDED.last_read_seq,
                   last_read_message_id = EXCLUDED.last_read_message_id,
                   last_read_at = EXCLUDED.last_read_at
             WHERE conversation_participants.last_read_seq < EXCLUDED.last_read_seq
            """, ct,
            new DataParameter("conversation", conversationId), new DataParameter("user", userId),
            new DataParameter("account", accountId), new DataParameter("seq", target.Seq),
            new DataParameter("message", target.MessageId, DataType.Guid), new DataParameter("now", now)) == 1;

    public static Task<ParticipantUnreadRow> ReceiptAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, CancellationToken ct) =>
        db.ParticipantUnread.FirstAsync(p => p.ConversationId == conversationId && p.UserId == userId && p.AccountId == accountId, ct);
}
