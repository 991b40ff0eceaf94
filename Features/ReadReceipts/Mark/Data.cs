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
    /// Moves an existing participant's receipt forward to <c>@seq</c> and takes what it passed over off their stored
    /// count (and, unmuted, their total). Locks the participant row first (<c>mine</c>, FOR UPDATE, which hands back
    /// its newest version), then their total: the order of docs/conversations.md without the conversation row, which
    /// it needs not: a post only adds to the count, a mark-read only subtracts what lies between the old and the new
    /// receipt, and both run under the participant row's lock. The messages in (old, @seq] all committed before this
    /// statement began (the target was read before it), so its snapshot counts them all. A stale mark (@seq not
    /// after the receipt) changes nothing.
    /// </summary>
    public const string MoveForwardSql =
        """
        WITH mine AS (
            SELECT last_read_seq FROM conversation_participants
             WHERE conversation_id = @conversation AND user_id = @user AND account_id = @account
               FOR UPDATE
        ), passed AS (
            SELECT (SELECT count(*) FROM messages m
                     WHERE m.conversation_id = @conversation AND m.seq > mine.last_read_seq AND m.seq <= @seq
                       AND m.sender_user_id IS DISTINCT FROM @user) AS n
              FROM mine
             WHERE mine.last_read_seq < @seq
        ), moved AS (
            UPDATE conversation_participants p
               SET last_read_seq = @seq,
                   last_read_message_id = @message,
                   last_read_at = CASE WHEN @message::uuid IS NULL THEN NULL ELSE @now END,
                   unread_count = p.unread_count - passed.n
              FROM passed
             WHERE p.conversation_id = @conversation AND p.user_id = @user
            RETURNING passed.n, p.muted
        ), totals AS (
            UPDATE unread_totals t SET total = t.total - moved.n
              FROM moved
             WHERE t.user_id = @user AND t.slot = unread_slot(@conversation) AND NOT moved.muted AND moved.n > 0
        )
        SELECT (SELECT count(*) FROM mine) AS participant, (SELECT count(*) FROM moved) AS moved
        """;

    /// <summary>
    /// Moves the receipt forward to <paramref name="target"/>, making the reader a participant if they were not one
    /// (under the conversation's lock, <see cref="Participation"/>). The receipt never moves backwards, and its
    /// message id and time always belong to its seq. True when the receipt moved (or was created).
    /// </summary>
    public static async Task<bool> MoveForwardAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Target target, Instant now, CancellationToken ct)
    {
        var (participant, moved) = await MoveExistingAsync(db, accountId, conversationId, userId, target, now, ct);
        if (participant) return moved;

        await using var work = await db.BeginOrJoinTransactionAsync(ct);
        var joined = await Participation.JoinAsync(db, accountId, conversationId, userId, target.Seq, target.MessageId, muted: false, now, ct);
        // Joined by someone else's request meanwhile (a mute, a post): move that row, still under the conversation's lock.
        if (!joined) moved = (await MoveExistingAsync(db, accountId, conversationId, userId, target, now, ct)).Moved;
        await work.CommitAsync(ct);
        return joined || moved;
    }

    static async Task<(bool Participant, bool Moved)> MoveExistingAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Target target, Instant now, CancellationToken ct)
    {
        var row = (await db.QueryToListAsync<Outcome>(MoveForwardSql, ct,
            new DataParameter("conversation", conversationId, DataType.Guid), new DataParameter("user", userId, DataType.Guid),
            new DataParameter("account", accountId, DataType.Guid), new DataParameter("seq", target.Seq),
            new DataParameter("message", target.MessageId, DataType.Guid), new DataParameter("now", now))).Single();
        return (row.Participant > 0, row.Moved > 0);
    }

    sealed class Outcome
    {
        [Column("participant")] public long Participant { get; set; }
        [Column("moved")] public long Moved { get; set; }
    }

    public static Task<ParticipantRow> ReceiptAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, CancellationToken ct) =>
        db.Participants.FirstAsync(p => p.ConversationId == conversationId && p.UserId == userId && p.AccountId == accountId, ct);
}
