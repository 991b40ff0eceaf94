using LinqToDB.Mapping;

namespace Inbox.Infrastructure.Database;

public static class ConversationStatus
{
    public const string Open = "open";
    public const string Pending = "pending";
    public const string Resolved = "resolved";

    public static readonly string[] All = [Open, Pending, Resolved];
}

public static class MessageDirection
{
    public const string Incoming = "incoming";
    public const string Outgoing = "outgoing";

    public static readonly string[] All = [Incoming, Outgoing];
}

public static class SenderType
{
    public const string User = "user";
    public const string Contact = "contact";
    public const string Integration = "integration";
}

[Table("conversations")]
public sealed class ConversationRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("subject")] public string? Subject { get; set; }
    [Column("channel"), NotNull] public string Channel { get; set; } = "";
    [Column("status"), NotNull] public string Status { get; set; } = ConversationStatus.Open;
    [Column("contact_name")] public string? ContactName { get; set; }
    [Column("contact_email")] public string? ContactEmail { get; set; }
    [Column("contact_phone")] public string? ContactPhone { get; set; }
    [Column("contact_external_id")] public string? ContactExternalId { get; set; }
    /// <summary>The contact this conversation is with; null for one whose contact was deleted (the inline copy stays).</summary>
    [Column("contact_id")] public Guid? ContactId { get; set; }
    [Column("assignee_id")] public Guid? AssigneeId { get; set; }
    [Column("last_message_id")] public Guid? LastMessageId { get; set; }
    [Column("last_activity_at")] public Instant LastActivityAt { get; set; }
    /// <summary>The seq of the newest message; the next post takes last_seq + 1 under the row lock.</summary>
    [Column("last_seq")] public long LastSeq { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

[Table("messages")]
public sealed class MessageRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("conversation_id")] public Guid ConversationId { get; set; }
    /// <summary>Position in the conversation, 1, 2, 3…: commit order, the order of every page and of unread counting.</summary>
    [Column("seq")] public long Seq { get; set; }
    [Column("direction"), NotNull] public string Direction { get; set; } = "";
    [Column("body"), NotNull] public string Body { get; set; } = "";
    [Column("sender_type"), NotNull] public string SenderType { get; set; } = "";
    [Column("sender_user_id")] public Guid? SenderUserId { get; set; }
    [Column("sender_api_key_id")] public Guid? SenderApiKeyId { get; set; }
    [Column("sender_name"), NotNull] public string SenderName { get; set; } = "";
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

[Table("conversation_participants")]
public sealed class ParticipantRow
{
    [Column("conversation_id"), PrimaryKey(0)] public Guid ConversationId { get; set; }
    [Column("user_id"), PrimaryKey(1)] public Guid UserId { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("last_read_seq")] public long LastReadSeq { get; set; }
    [Column("last_read_message_id")] public Guid? LastReadMessageId { get; set; }
    [Column("last_read_at")] public Instant? LastReadAt { get; set; }
    [Column("muted")] public bool Muted { get; set; }
    [Column("joined_at")] public Instant JoinedAt { get; set; }
}

/// <summary>The <c>participant_unread</c> view: a participant row with its unread count, counted when read.</summary>
[Table("participant_unread", IsView = true)]
public sealed class ParticipantUnreadRow
{
    [Column("conversation_id")] public Guid ConversationId { get; set; }
    [Column("user_id")] public Guid UserId { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("last_read_seq")] public long LastReadSeq { get; set; }
    [Column("last_read_message_id")] public Guid? LastReadMessageId { get; set; }
    [Column("last_read_at")] public Instant? LastReadAt { get; set; }
    [Column("muted")] public bool Muted { get; set; }
    [Column("joined_at")] public Instant JoinedAt { get; set; }
    [Column("unread_count")] public long UnreadCount { get; set; }
}

public sealed partial class InboxDb
{
    public ITable<ConversationRow> Conversations => this.GetTable<ConversationRow>();
    public ITable<MessageRow> Messages => this.GetTable<MessageRow>();
    public ITable<ParticipantRow> Participants => this.GetTable<ParticipantRow>();
    public ITable<ParticipantUnreadRow> ParticipantUnread => this.GetTable<ParticipantUnreadRow>();
}
