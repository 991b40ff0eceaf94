using LinqToDB.Data;
using LinqToDB.Mapping;
using Inbox.Features.Shapes;

namespace Inbox.Features.Conversations;

/// <summary>
/// Builds <c>conversation</c> answers for a set of ids in one statement, however many there are (no N+1): each
/// conversation with its last message, its participants in joining order, and the caller's own unread count and
/// mute. Shared by the conversation slices (start, list, get, edit) because all of them answer with this shape.
/// </summary>
/// <remarks>
/// Plain SQL rather than LINQ: this runs on every list page, and building the two LINQ queries it replaced (cache
/// lookup, then SQL text) cost more CPU than PostgreSQL spent answering them (bench/README.md). The ids travel as
/// one uuid[] parameter, so the text never changes and PostgreSQL can keep its plan.
/// </remarks>
public static class ConversationReader
{
    /// <summary>Public so a test can EXPLAIN this very text against a large account; the benchmark's pgbench baseline reads it from here.</summary>
    public const string LoadSql =
        """
        SELECT c.id, c.subject, c.channel, c.status, c.contact_id,
               CASE WHEN ct.id IS NULL THEN c.contact_name ELSE ct.name END AS contact_name,
               CASE WHEN ct.id IS NULL THEN c.contact_email ELSE ct.email END AS contact_email,
               CASE WHEN ct.id IS NULL THEN c.contact_phone ELSE ct.phone END AS contact_phone,
               CASE WHEN ct.id IS NULL THEN c.contact_external_id ELSE ct.external_id END AS contact_external_id,
               c.assignee_id, c.last_activity_at, c.created_at,
               m.id AS message_id, m.direction AS message_direction, m.body AS message_body,
               m.sender_type AS message_sender_type, m.sender_user_id AS message_sender_user_id,
               m.sender_api_key_id AS message_sender_api_key_id, m.sender_name AS message_sender_name,
               m.created_at AS message_created_at,
               coalesce(participants.ids, '{}') AS participant_ids,
               coalesce(mine.unread_count, 0) AS unread_count,
               coalesce(mine.muted, false) AS muted
        FROM conversations c
        -- A linked conversation shows its contact as it is now (issue 18), not the copy taken when it started.
        -- LATERAL with OFFSET 0 (not pulled up into a join) keeps it a probe of the contact's primary key per conversation,
        -- whatever the size of the table, never a hash of all contacts.
        LEFT JOIN LATERAL (SELECT k.id, k.name, k.email, k.phone, k.external_id FROM contacts k WHERE k.id = c.contact_id OFFSET 0) ct ON true
        LEFT JOIN messages m ON m.id = c.last_message_id
        LEFT JOIN LATERAL (
            SELECT array_agg(p.user_id ORDER BY p.joined_at, p.user_id) AS ids
            FROM conversation_participants p
            WHERE p.conversation_id = c.id
        ) participants ON true
        -- Only the caller's own row evaluates the view's count sub-select.
        LEFT JOIN participant_unread mine ON mine.conversation_id = c.id AND mine.user_id = @me
        WHERE c.account_id = @account AND c.id = ANY(@ids)
        """;

    /// <returns>The conversations of <paramref name="accountId"/> among <paramref name="ids"/>, in the order of <paramref name="ids"/>.</returns>
    public static async Task<IReadOnlyList<ConversationResponse>> LoadAsync(
        InboxDb db, Guid accountId, Guid? callerUserId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        // An API key has no user id: it matches no participant, so its unreadCount is 0 and muted false.
        var rows = await db.QueryToListAsync<LoadedConversation>(LoadSql, ct,
            new DataParameter("me", callerUserId ?? Guid.Empty),
            new DataParameter("account", accountId),
            new DataParameter("ids", ids.ToArray()));
        var answers = rows.ToDictionary(r => r.Id);
        return ids.Where(answers.ContainsKey).Select(id => answers[id].ToResponse()).ToList();
    }

    public static async Task<ConversationResponse?> LoadOneAsync(InboxDb db, Guid accountId, Guid? callerUserId, Guid id, CancellationToken ct) =>
        (await LoadAsync(db, accountId, callerUserId, [id], ct)).FirstOrDefault();

    sealed class LoadedConversation
    {
        [Column("id")] public Guid Id { get; set; }
        [Column("subject")] public string? Subject { get; set; }
        [Column("channel")] public string Channel { get; set; } = "";
        [Column("status")] public string Status { get; set; } = "";
        [Column("contact_id")] public Guid? ContactId { get; set; }
        [Column("contact_name")] public string? ContactName { get; set; }
        [Column("contact_email")] public string? ContactEmail { get; set; }
        [Column("contact_phone")] public string? ContactPhone { get; set; }
        [Column("contact_external_id")] public string? ContactExternalId { get; set; }
        [Column("assignee_id")] public Guid? AssigneeId { get; set; }
        [Column("last_activity_at")] public Instant LastActivityAt { get; set; }
        [Column("created_at")] public Instant CreatedAt { get; set; }
        [Column("message_id")] public Guid? MessageId { get; set; }
        [Column("message_direction")] public string? MessageDirection { get; set; }
        [Column("message_body")] public string? MessageBody { get; set; }
        [Column("message_sender_type")] public string? MessageSenderType { get; set; }
        [Column("message_sender_user_id")] public Guid? MessageSenderUserId { get; set; }
        [Column("message_sender_api_key_id")] public Guid? MessageSenderApiKeyId { get; set; }
        [Column("message_sender_name")] public string? MessageSenderName { get; set; }
        [Column("message_created_at")] public Instant? MessageCreatedAt { get; set; }
        [Column("participant_ids")] public Guid[] ParticipantIds { get; set; } = [];
        [Column("unread_count")] public long UnreadCount { get; set; }
        [Column("muted")] public bool Muted { get; set; }

        public ConversationResponse ToResponse() => new(
            Id, Subject, Channel, Status,
            new ContactResponse(ContactId, ContactName, ContactEmail, ContactPhone, ContactExternalId),
            AssigneeId,
            ParticipantIds,
            LastMessage(),
            LastActivityAt, CreatedAt,
            UnreadCount, Muted);

        MessageResponse? LastMessage() => MessageId is not { } messageId ? null : MessageResponse.From(new MessageRow
        {
            Id = messageId,
            ConversationId = Id,
            Direction = MessageDirection!,
            Body = MessageBody!,
            SenderType = MessageSenderType!,
            SenderUserId = MessageSenderUserId,
            SenderApiKeyId = MessageSenderApiKeyId,
            SenderName = MessageSenderName!,
            CreatedAt = MessageCreatedAt!.Value,
        });
    }
}
