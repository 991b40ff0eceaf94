using LinqToDB.Data;

namespace Inbox.Features.ReadReceipts;

/// <summary>
/// Making a user a participant of an existing conversation, with the unread count and total it brings: shared by
/// every route that can add one to a conversation that may already have messages (mark-read, mute, a new assignee).
/// Posting joins in its own statement (Messages/Send) and starting a conversation has no messages to count.
/// </summary>
public static class Participation
{
    /// <summary>
    /// Takes the conversation's row lock (the first lock of the order in docs/conversations.md) and puts the user in
    /// its roster, so no post can run between this and the insert, and a post that comes after bumps the new row.
    /// </summary>
    public const string LockAndEnrolSql =
        """
        UPDATE conversations
           SET participant_ids = CASE WHEN @user = ANY (participant_ids) THEN participant_ids ELSE participant_ids || @user END
         WHERE id = @conversation AND account_id = @account
        RETURNING last_seq
        """;

    /// <summary>
    /// Runs after <see cref="LockAndEnrolSql"/>, in a statement of its own so that its snapshot sees every message
    /// and participant committed before the lock was taken. The count is the definition of unread itself; an
    /// unmuted participant adds it to their total. No row when the user already was a participant.
    /// </summary>
    public const string InsertSql =
        """
        WITH joined AS (
            INSERT INTO conversation_participants
                   (conversation_id, user_id, account_id, last_read_seq, last_read_message_id, last_read_at, muted, unread_count, joined_at)
            VALUES (@conversation, @user, @account, @seq, @message, CASE WHEN @message::uuid IS NULL THEN NULL ELSE @now END, @muted,
                    (SELECT count(*) FROM messages m
                      WHERE m.conversation_id = @conversation AND m.seq > @seq AND m.sender_user_id IS DISTINCT FROM @user),
                    @now)
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            RETURNING unread_count, muted
        ), totals AS (
            INSERT INTO unread_totals AS t (user_id, slot, total)
            SELECT @user, unread_slot(@conversation), unread_count FROM joined WHERE NOT muted AND unread_count > 0
            ON CONFLICT (user_id, slot) DO UPDATE SET total = t.total + EXCLUDED.total
        )
        SELECT count(*) FROM joined
        """;

    /// <summary>
    /// Makes <paramref name="userId"/> a participant, read up to <paramref name="readSeq"/> (0: nothing read).
    /// Must run inside a transaction (the lock is held until it commits). False when the conversation is not the
    /// account's, or when the user already was a participant (then the caller applies its change to that row,
    /// still under the conversation's lock, which keeps the lock order).
    /// </summary>
    public static async Task<bool> JoinAsync(
        InboxDb db, Guid accountId, Guid conversationId, Guid userId, long readSeq, Guid? readMessageId, bool muted,
        Instant now, CancellationToken ct)
    {
        var ids = new[]
        {
            new DataParameter("conversation", conversationId, DataType.Guid),
            new DataParameter("user", userId, DataType.Guid),
            new DataParameter("account", accountId, DataType.Guid),
        };
        var locked = await db.QueryToListAsync<long>(LockAndEnrolSql, ct, ids);
        if (locked.Count == 0) return false;
        return (await db.QueryToListAsync<long>(InsertSql, ct,
        [
            .. ids,
            new DataParameter("seq", readSeq),
            new DataParameter("message", readMessageId, DataType.Guid),
            new DataParameter("muted", muted),
            new DataParameter("now", now),
        ])).Single() == 1;
    }
}
