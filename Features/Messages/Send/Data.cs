using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Messages.Send;

/// <summary>What posting wrote: the message's seq and sender name, and whose unread counts it changed.</summary>
sealed class Posted
{
    [Column("seq")] public long Seq { get; set; }
    [Column("sender_name")] public string SenderName { get; set; } = "";
    /// <summary>Every participant but the poster, as they were when the post began.</summary>
    [Column("others")] public Guid[] Others { get; set; } = [];
    /// <summary>Whether the poster became a participant with this post.</summary>
    [Column("poster_joined")] public bool PosterJoined { get; set; }
}

static class Data
{
    /// <summary>The statement of <see cref="PostAsync"/>; the benchmark's pgbench baseline reads this very text.</summary>
    public const string PostSql =
        """
        WITH claimed AS (
            UPDATE conversations
               SET last_seq = last_seq + 1,
                   last_message_id = @message,
                   last_activity_at = GREATEST(last_activity_at, @now)
             WHERE id = @conversation AND account_id = @account
            RETURNING last_seq, coalesce(contact_name, contact_email, contact_phone, contact_external_id, 'Contact') AS contact
        ), inserted AS (
            INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_user_id,
                                  sender_api_key_id, sender_name, created_at)
            SELECT @message, @account, @conversation, claimed.last_seq, @direction, @body, @senderType, @senderUser,
                   @senderApiKey, CASE WHEN @senderType = 'contact' THEN claimed.contact ELSE @senderName END, @now
            FROM claimed
            RETURNING seq, sender_name
        ), joined AS (
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
            SELECT @conversation, @senderUser, @account, @now FROM claimed WHERE @senderUser IS NOT NULL
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            RETURNING user_id
        )
        SELECT inserted.seq, inserted.sender_name,
               ARRAY(SELECT p.user_id FROM conversation_participants p
                     WHERE p.conversation_id = @conversation AND p.account_id = @account
                       AND p.user_id IS DISTINCT FROM @senderUser) AS others,
               EXISTS (SELECT 1 FROM joined) AS poster_joined
        FROM inserted
        """;

    /// <summary>
    /// The whole post, in one statement (so one round trip and its own transaction): take the conversation's next
    /// seq and make the message its last one, insert the message, make a posting user a participant, and read who
    /// else takes part. The UPDATE holds the conversation's row lock until the statement commits, so concurrent
    /// posts to one conversation queue there and their seqs follow commit order; last_activity_at never goes
    /// backwards, even with instances whose clocks disagree. A contact's message is signed with the contact's
    /// name as the conversation knows it. No row when the conversation is not the account's.
    /// </summary>
    public static async Task<Posted?> PostAsync(InboxDb db, MessageRow message, CancellationToken ct) =>
        (await db.QueryToListAsync<Posted>(
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
