using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.ReadReceipts.Mute;

static class Data
{
    public static Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>
    /// Locks an existing participant's row (the first lock of this change) and reads what the flip needs. A
    /// statement of its own: the next one starts after the lock was granted, so it sees every change committed
    /// before, and nothing can change the row until this transaction ends.
    /// </summary>
    public const string LockSql =
        """
        SELECT muted, unread_count FROM conversation_participants
         WHERE conversation_id = @conversation AND user_id = @user AND account_id = @account
           FOR UPDATE
        """;

    /// <summary>
    /// Flips the flag of the locked row and moves its count out of (muting) or back into (unmuting) the user's total
    /// for the conversation's slot: <c>@delta</c> is minus or plus the count the lock read. The total row's lock
    /// comes second, as in every statement that touches both. Muting updates a row that exists (the count it takes
    /// out was added to it by a committed transaction); unmuting may create it. Not one upsert for both: PostgreSQL
    /// checks <c>total >= 0</c> on the proposed row before it finds the conflict, so a negative insert fails.
    /// </summary>
    public const string FlipSql =
        """
        WITH flipped AS (
            UPDATE conversation_participants SET muted = @muted
             WHERE conversation_id = @conversation AND user_id = @user
        ), muting AS (
            UPDATE unread_totals SET total = total + @delta
             WHERE user_id = @user AND slot = unread_slot(@conversation) AND @delta < 0
        )
        INSERT INTO unread_totals AS t (user_id, slot, total)
        SELECT @user, unread_slot(@conversation), @delta WHERE @delta > 0
        ON CONFLICT (user_id, slot) DO UPDATE SET total = t.total + EXCLUDED.total
        """;

    /// <summary>
    /// True when the flag changed (a new participant row counts as a change). Muting makes the caller a participant
    /// (under the conversation's lock, <see cref="Participation"/>); unmuting as a non-participant changes nothing.
    /// </summary>
    public static async Task<bool> SetMutedAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, bool muted, Instant now, CancellationToken ct)
    {
        await using var work = await db.BeginOrJoinTransactionAsync(ct);
        var changed = await FlipAsync(db, accountId, conversationId, userId, muted, ct);
        if (changed is null && muted)
        {
            // Not a participant: join, muted, under the conversation's lock; someone else's request may have made
            // them one meanwhile (then flip that row, still in the lock order).
            changed = await Participation.JoinAsync(db, accountId, conversationId, userId, readSeq: 0, readMessageId: null, muted: true, now, ct)
                      || await FlipAsync(db, accountId, conversationId, userId, muted, ct) == true;
        }
        await work.CommitAsync(ct);
        return changed == true;
    }

    /// <summary>Null when the user is no participant; else whether the flag changed.</summary>
    static async Task<bool?> FlipAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, bool muted, CancellationToken ct)
    {
        DataParameter[] ids =
        [
            new("conversation", conversationId, DataType.Guid), new("user", userId, DataType.Guid), new("account", accountId, DataType.Guid),
        ];
        var row = (await db.QueryToListAsync<Locked>(LockSql, ct, ids)).SingleOrDefault();
        if (row is null) return null;
        if (row.Muted == muted) return false;
        // An unmuted row's count is in the total; a muted one's is not.
        await db.ExecuteAsync(FlipSql, ct, [.. ids, new DataParameter("muted", muted), new DataParameter("delta", muted ? -row.UnreadCount : row.UnreadCount)]);
        return true;
    }

    sealed class Locked
    {
        [Column("muted")] public bool Muted { get; set; }
        [Column("unread_count")] public long UnreadCount { get; set; }
    }
}
