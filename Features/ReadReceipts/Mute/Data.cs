using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.ReadReceipts.Mute;

static class Data
{
    public static Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>
    /// Flips an existing participant's flag and moves their stored count out of (muting) or back into (unmuting)
    /// their total. Locks the participant row first (<c>mine</c>), then the total: a post that bumps this row either
    /// ran before (its count is in the unread_count this reads) or runs after and sees the new flag.
    /// </summary>
    public const string SetMutedSql =
        """
        WITH mine AS (
            SELECT muted FROM conversation_participants
             WHERE conversation_id = @conversation AND user_id = @user AND account_id = @account
               FOR UPDATE
        ), flipped AS (
            UPDATE conversation_participants p SET muted = @muted
              FROM mine
             WHERE p.conversation_id = @conversation AND p.user_id = @user AND mine.muted <> @muted
            RETURNING p.unread_count
        ), unmuting AS (
            INSERT INTO unread_totals AS t (user_id, slot, total)
            SELECT @user, unread_slot(@conversation), unread_count FROM flipped WHERE NOT @muted AND unread_count > 0
            ON CONFLICT (user_id, slot) DO UPDATE SET total = t.total + EXCLUDED.total
        ), muting AS (
            UPDATE unread_totals t SET total = t.total - flipped.unread_count
              FROM flipped
             WHERE @muted AND flipped.unread_count > 0 AND t.user_id = @user AND t.slot = unread_slot(@conversation)
        )
        SELECT (SELECT count(*) FROM mine) AS participant, (SELECT count(*) FROM flipped) AS changed
        """;

    /// <summary>
    /// True when the flag changed (a new participant row counts as a change). Muting makes the caller a participant
    /// (under the conversation's lock, <see cref="Participation"/>); unmuting as a non-participant changes nothing.
    /// </summary>
    public static async Task<bool> SetMutedAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, bool muted, Instant now, CancellationToken ct)
    {
        var (participant, changed) = await FlipAsync(db, accountId, conversationId, userId, muted, ct);
        if (participant || !muted) return changed;

        await using var work = await db.BeginOrJoinTransactionAsync(ct);
        var joined = await Participation.JoinAsync(db, accountId, conversationId, userId, readSeq: 0, readMessageId: null, muted: true, now, ct);
        if (!joined) changed = (await FlipAsync(db, accountId, conversationId, userId, muted, ct)).Changed;
        await work.CommitAsync(ct);
        return joined || changed;
    }

    static async Task<(bool Participant, bool Changed)> FlipAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, bool muted, CancellationToken ct)
    {
        var row = (await db.QueryToListAsync<Outcome>(SetMutedSql, ct,
            new DataParameter("conversation", conversationId, DataType.Guid), new DataParameter("user", userId, DataType.Guid),
            new DataParameter("account", accountId, DataType.Guid), new DataParameter("muted", muted))).Single();
        return (row.Participant > 0, row.Changed > 0);
    }

    sealed class Outcome
    {
        [Column("participant")] public long Participant { get; set; }
        [Column("changed")] public long Changed { get; set; }
    }
}
