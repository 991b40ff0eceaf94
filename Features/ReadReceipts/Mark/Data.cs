using LinqToDB.Data;
using LinqToDB.Mapping;

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
    /// Locks an existing participant's row (the first lock of a mark-read, which needs not the conversation's: a
    /// post only adds to the count, a mark-read only subtracts what lies between the old and the new receipt, and
    /// both hold this row's lock while they do). A statement of its own, so the next one sees every change that
    /// committed before the lock was granted.
    /// </summary>
    public const string LockSql =
        """
        SELECT last_read_seq, muted FROM conversation_participants
         WHERE conversation_id = @conversation AND user_id = @user AND account_id = @account
           FOR UPDATE
        """;

    /// <summary>
    /// Moves the locked receipt from <c>@from</c> forward to <c>@seq</c> and takes the messages it passed over (not the
    /// reader's own) off the stored count and, unmuted, off the total of the conversation's slot (a row that exists:
    /// that count was added to it by committed transactions). The messages up to <c>@seq</c> all committed before
    /// the target was read, so this statement's snapshot counts them all.
    /// </summary>
    public const string MoveSql =
        """
        WITH passed AS (
            SELECT count(*) AS n FROM messages m
             WHERE m.conversation_id = @conversation AND m.seq > @from AND m.seq <= @seq
               AND m.sender_user_id IS DISTINCT FROM @user
        ), moved AS (
            UPDATE conversation_participants
               SET last_read_seq = @seq,
                   last_read_message_id = @message,
                   last_read_at = CASE WHEN @message::uuid IS NULL THEN NULL ELSE @now END,
                   unread_count = unread_count - (SELECT n FROM passed)
             WHERE conversation_id = @conversation AND user_id = @user
        )
        UPDATE unread_totals SET total = total - (SELECT n FROM passed)
         WHERE user_id = @user AND slot = unread_slot(@conversation) AND NOT @muted AND (SELECT n FROM passed) > 0
        """;

    /// <summary>
    /// Moves the receipt forward to <paramref name="target"/>, making the reader a participant if they were not one
    /// (under the conversation's lock, <see cref="Participation"/>). The receipt never moves backwards, and its
    /// message id and time always belong to its seq. True when the receipt moved (or was created).
    /// </summary>
    public static async Task<bool> MoveForwardAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Target target, Instant now, CancellationToken ct)
    {
        await using var work = await db.BeginOrJoinTransactionAsync(ct);
        var (participant, moved) = await MoveExistingAsync(db, accountId, conversationId, userId, target, now, ct);
        if (participant)
        {
            await work.CommitAsync(ct);
            return moved;
        }

        var joined = await Participation.JoinAsync(db, accountId, conversationId, userId, target.Seq, target.MessageId, muted: false, now, ct);
        // Joined by someone else's request meanwhile (a mute, a post): move that row, still under the conversation's lock.
        if (!joined) moved = (await MoveExistingAsync(db, accountId, conversationId, userId, target, now, ct)).Moved;
        await work.CommitAsync(ct);
        return joined || moved;
    }

    /// <summary>Must run in a transaction (the row lock lasts until it ends). Participant: false when the user is none.</summary>
    static async Task<(bool Participant, bool Moved)> MoveExistingAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Target target, Instant now, CancellationToken ct)
    {
        DataParameter[] ids =
        [
            new("conversation", conversationId, DataType.Guid), new("user", userId, DataType.Guid), new("account", accountId, DataType.Guid),
        ];
        var row = (await db.QueryToListAsync<Locked>(LockSql, ct, ids)).SingleOrDefault();
        if (row is null) return (false, false);
        // Never backwards: a stale mark changes nothing.
        if (row.LastReadSeq >= target.Seq) return (true, false);
        await db.ExecuteAsync(MoveSql, ct,
        [
            .. ids, new DataParameter("from", row.LastReadSeq), new DataParameter("seq", target.Seq),
            new DataParameter("message", target.MessageId, DataType.Guid), new DataParameter("now", now),
            new DataParameter("muted", row.Muted),
        ]);
        return (true, true);
    }

    sealed class Locked
    {
        [Column("last_read_seq")] public long LastReadSeq { get; set; }
        [Column("muted")] public bool Muted { get; set; }
    }

    public static Task<ParticipantRow> ReceiptAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, CancellationToken ct) =>
        db.Participants.FirstAsync(p => p.ConversationId == conversationId && p.UserId == userId && p.AccountId == accountId, ct);
}
