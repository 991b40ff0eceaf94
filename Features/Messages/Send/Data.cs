using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Messages.Send;

/// <summary>What posting wrote: the message's seq and sender name, and whose unread counts it changed.</summary>
sealed class Posted
{
    [Column("seq")] public long Seq { get; set; }
    [Column("sender_name")] public string SenderName { get; set; } = "";
    /// <summary>Every participant but the poster: those whose stored unread count this post raised.</summary>
    [Column("others")] public Guid[] Others { get; set; } = [];
    /// <summary>Whether the poster became a participant with this post.</summary>
    [Column("poster_joined")] public bool PosterJoined { get; set; }
}

static class Data
{
    /// <summary>The statement of <see cref="PostAsync"/>; the benchmark's pgbench baseline reads this very text.</summary>
    /// <remarks>
    /// Locks, in the order of docs/conversations.md: the conversation row (<c>claimed</c>), then the other
    /// participants' rows in user id order (<c>bumped</c>), then their <c>unread_totals</c> rows in user id order
    /// (<c>totals</c>, after a sort that takes every participant lock first). The roster comes from the row version
    /// the UPDATE returns, i.e. the newest one, locked: a participant who joined while this post waited for the
    /// lock is in it even though this statement's snapshot is older.
    /// </remarks>
    public const string PostSql =
        """
        WITH claimed AS (
            UPDATE conversations
               SET last_seq = last_seq + 1,
                   last_message_id = @message,
                   last_activity_at = GREATEST(last_activity_at, @now),
                   participant_ids = CASE WHEN @senderUser::uuid IS NULL OR @senderUser::uuid = ANY (participant_ids)
                                          THEN participant_ids ELSE participant_ids || @senderUser::uuid END
             WHERE id = @conversation AND account_id = @account
            RETURNING last_seq, participant_ids,
                      coalesce(contact_name, contact_email, contact_phone, contact_external_id, 'Contact') AS contact
        ), inserted AS (
            INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_user_id,
                                  sender_api_key_id, sender_name, created_at)
            SELECT @message, @account, @conversation, claimed.last_seq, @direction, @body, @senderType, @senderUser,
                   @senderApiKey, CASE WHEN @senderType = 'contact' THEN claimed.contact ELSE @senderName END, @now
            FROM claimed
            RETURNING seq, sender_name
        ), joined AS (
            -- A poster who was no participant has every earlier message unread (none of them is theirs: posting
            -- is what would have made them a participant).
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, unread_count, joined_at)
            SELECT @conversation, @senderUser, @account, claimed.last_seq - 1, @now FROM claimed WHERE @senderUser IS NOT NULL
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            RETURNING user_id, unread_count
        ), bumped AS (
            -- Every other participant has one more unread message, muted or not. The insert branch only runs for a
            -- roster entry without its row (never, unless the data was damaged): such a user has everything unread.
            INSERT INTO conversation_participants AS p (conversation_id, user_id, account_id, unread_count, joined_at)
            SELECT @conversation, r.user_id, @account, claimed.last_seq, @now
              FROM claimed CROSS JOIN unnest(claimed.participant_ids) AS r (user_id)
             WHERE r.user_id IS DISTINCT FROM @senderUser
             ORDER BY r.user_id
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET unread_count = p.unread_count + 1
            RETURNING p.user_id, p.muted
        ), totals AS (
            -- Unmuted recipients' totals grow by one, a joining poster's by what they now have unread.
            INSERT INTO unread_totals AS t (user_id, slot, total)
            SELECT d.user_id, unread_slot(@conversation), d.delta
              FROM (SELECT user_id, 1::bigint AS delta FROM bumped WHERE NOT muted
                    UNION ALL
                    SELECT user_id, unread_count FROM joined WHERE unread_count > 0) AS d
             ORDER BY d.user_id
            ON CONFLICT (user_id, slot) DO UPDATE SET total = t.total + EXCLUDED.total
        )
        SELECT inserted.seq, inserted.sender_name,
               ARRAY(SELECT user_id FROM bumped) AS others,
               EXISTS (SELECT 1 FROM joined) AS poster_joined
        FROM inserted
        """;

    /// <summary>
    /// The whole post, in one statement (so one round trip and its own transaction): take the conversation's next
    /// seq and make the message its last one, insert the message, make a posting user a participant, and add the
    /// message to every other participant's stored unread count and to the unmuted ones' totals. The UPDATE holds
    /// the conversation's row lock until the statement commits, so concurrent posts to one conversation queue there
    /// and their seqs follow commit order; last_activity_at never goes backwards, even with instances whose clocks
    /// disagree. A contact's message is signed with the contact's name as the conversation knows it. No row when
    /// the conversation is not the account's. Its cost is one row per participant, whatever else they take part in.
    /// Prepared (<see cref="PreparedStatements"/>): every lookup in it is by key.
    /// </summary>
    public static async Task<Posted?> PostAsync(InboxDb db, MessageRow message, CancellationToken ct) =>
        (await db.PrepareNextStatement().QueryToListAsync<Posted>(
            PostSql, ct,
            new DataParameter("message", message.Id, DataType.Guid),
            new DataParameter("now", message.CreatedAt),
            new DataParameter("conversation", message.ConversationId, DataType.Guid),
            new DataParameter("account", message.AccountId, DataType.Guid),
            new DataParameter("direction", message.Direction, DataType.Text),
            new DataParameter("body", message.Body, DataType.Text),
            new DataParameter("senderType", message.SenderType, DataType.Text),
            new DataParameter("senderUser", message.SenderUserId, DataType.Guid),
            new DataParameter("senderApiKey", message.SenderApiKeyId, DataType.Guid),
            new DataParameter("senderName", message.SenderName, DataType.Text))).SingleOrDefault();
}
