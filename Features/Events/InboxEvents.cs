using Inbox.Features.Shapes;
using Inbox.Infrastructure.Events;

namespace Inbox.Features.Events;

// Everything a client may want pushed over a WebSocket is raised here, once, after the change has committed.
// Payloads are the contract's wire shapes (Features/Shapes), so the realtime hub forwards them
// as they are: message.created, conversation.updated (the conversation without the caller-specific
// unreadCount/muted), read.updated and unread.updated.

public sealed record MessageCreated(Guid AccountId, Guid ConversationId, MessageResponse Message) : InboxEvent(AccountId);

public sealed record ConversationUpdated(Guid AccountId, ConversationView Conversation) : InboxEvent(AccountId);

public sealed record ReadUpdated(Guid AccountId, ReceiptResponse Receipt) : InboxEvent(AccountId);

/// <summary>For one user: their unread count in one conversation, and their total over unmuted conversations.</summary>
public sealed record UnreadUpdated(Guid AccountId, Guid UserId, Guid ConversationId, long UnreadCount, long Total) : InboxEvent(AccountId);
