using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Messages.Send;

sealed class Claimed
{
    [Column("last_seq")] public long Seq { get; set; }
    [Column("contact_name")] public string? ContactName { get; set; }
    [Column("contact_email")] public string? ContactEmail { get; set; }
    [Column("contact_phone")] public string? ContactPhone { get; set; }
    [Column("contact_external_id")] public string? ContactExternalId { get; set; }
}

static class Data
{
    /// <summary>
    /// Takes the conversation's next seq and makes <paramref name="messageId"/> its last message. The UPDATE holds
    /// the row lock until the transaction ends, so concurrent posts to one conversation queue here and their seqs
    /// follow commit order. last_activity_at never goes backwards, even with instances whose clocks disagree.
    /// Null when the conversation is not the account's.
    /// </summary>
    public static async Task<Claimed?> ClaimNextSeqAsync(InboxDb db, Guid accountId, Guid conversationId, Guid messageId, Instant now, CancellationToken ct)
    {
        var rows = await db.QueryToListAsync<Claimed>(
            """
            UPDATE conversations
               SET last_seq = last_seq + 1,
                   last_message_id = @message,
                   last_activity_at = GREATEST(last_activity_at, @now)
             WHERE id = @conversation AND account_id = @account
            RETURNING last_seq, contact_name, contact_email, contact_phone, contact_external_id
            """, ct,
            new DataParameter("message", messageId), new DataParameter("now", now),
            new DataParameter("conversation", conversationId), new DataParameter("account", accountId));
        return rows.SingleOrDefault();
    }

    public static Task InsertAsync(InboxDb db, MessageRow message, CancellationToken ct) => db.InsertAsync(message, token: ct);

    /// <summary>Makes the poster a participant; true when they were not one yet.</summary>
    public static async Task<bool> JoinAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Instant now, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
            VALUES (@conversation, @user, @account, @now)
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            """, ct,
            new DataParameter("conversation", conversationId), new DataParameter("user", userId),
            new DataParameter("account", accountId), new DataParameter("now", now)) == 1;

    /// <summary>The participants whose unread count a message from <paramref name="sender"/> changes.</summary>
    public static Task<List<Guid>> OtherParticipantsAsync(InboxDb db, Guid accountId, Guid conversationId, Guid? sender, CancellationToken ct)
    {
        var me = sender ?? Guid.Empty;
        return db.Participants.Where(p => p.ConversationId == conversationId && p.AccountId == accountId && p.UserId != me)
            .Select(p => p.UserId).ToListAsync(ct);
    }
}
