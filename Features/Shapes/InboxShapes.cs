namespace Inbox.Features.Shapes;

// The contract's wire shapes for conversations, messages and receipts, shared by every area of the inbox (its
// HTTP answers, search, and the events of Features/Events that the WebSocket layer forwards), so a frame and an
// HTTP body can never disagree.

/// <summary>
/// A conversation's contact: <c>id</c> is the linked contact's (v2), null when that contact was deleted; the other
/// fields are the contact's current ones, or the conversation's own copy once unlinked.
/// </summary>
public sealed record ContactResponse(Guid? Id, string? Name, string? Email, string? Phone, string? ExternalId);

/// <summary><c>id</c> is the user's id for a user, the API key's id for an integration, null for the contact.</summary>
public sealed record SenderResponse(string Type, Guid? Id, string Name);

public sealed record MessageResponse(Guid Id, Guid ConversationId, string Direction, string Body, SenderResponse Sender, Instant CreatedAt)
{
    public static MessageResponse From(MessageRow m) => new(
        m.Id, m.ConversationId, m.Direction, m.Body,
        new SenderResponse(m.SenderType, m.SenderType == SenderType.User ? m.SenderUserId : m.SenderType == SenderType.Integration ? m.SenderApiKeyId : null, m.SenderName),
        m.CreatedAt);
}

/// <summary>A conversation as everyone sees it: what <c>conversation.updated</c> carries.</summary>
public sealed record ConversationView(
    Guid Id,
    string? Subject,
    string Channel,
    string Status,
    ContactResponse Contact,
    Guid? AssigneeId,
    IReadOnlyList<Guid> ParticipantIds,
    MessageResponse? LastMessage,
    Instant LastActivityAt,
    Instant CreatedAt);

/// <summary>The contract's <c>conversation</c>: the view plus the caller's own <c>unreadCount</c> and <c>muted</c>.</summary>
public sealed record ConversationResponse(
    Guid Id,
    string? Subject,
    string Channel,
    string Status,
    ContactResponse Contact,
    Guid? AssigneeId,
    IReadOnlyList<Guid> ParticipantIds,
    MessageResponse? LastMessage,
    Instant LastActivityAt,
    Instant CreatedAt,
    long UnreadCount,
    bool Muted)
{
    public ConversationView ToView() => new(Id, Subject, Channel, Status, Contact, AssigneeId, ParticipantIds, LastMessage, LastActivityAt, CreatedAt);
}

public sealed record ReceiptResponse(Guid ConversationId, Guid UserId, Guid? LastReadMessageId, Instant? LastReadAt, long UnreadCount)
{
    public static ReceiptResponse From(ParticipantUnreadRow p) => new(p.ConversationId, p.UserId, p.LastReadMessageId, p.LastReadAt, p.UnreadCount);
}
