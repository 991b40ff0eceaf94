using Inbox.Features.Shapes;
using Inbox.Features.Tickets;
using Inbox.Infrastructure.Events;

namespace Inbox.Features.Events;

// Everything a client may want pushed over a WebSocket is raised here, once, after the change has committed.
// Payloads are the contract's wire shapes (Features/Shapes), so the realtime layer forwards them
// as they are: message.created, conversation.updated (the conversation without the caller-specific
// unreadCount/muted), read.updated and unread.updated. The events also say whose unread counts the change may
// have moved, which is all the unread counter (ReadReceipts/UnreadCounts) listens for.

/// <summary>A posted message; <paramref name="UnreadChangedFor"/>: the participants whose unread count it changed.</summary>
public sealed record MessageCreated(Guid AccountId, Guid ConversationId, MessageResponse Message, IReadOnlyList<Guid> UnreadChangedFor)
    : InboxEvent(AccountId);

/// <summary>A started or edited conversation; <paramref name="Joined"/>: users it made participants (they may now have unread messages).</summary>
public sealed record ConversationUpdated(Guid AccountId, ConversationView Conversation, IReadOnlyList<Guid> Joined) : InboxEvent(AccountId);

/// <summary>A user muted or unmuted a conversation: their total changes, no frame is sent for it.</summary>
public sealed record MuteChanged(Guid AccountId, Guid ConversationId, Guid UserId, bool Muted) : InboxEvent(AccountId);

public sealed record ReadUpdated(Guid AccountId, ReceiptResponse Receipt) : InboxEvent(AccountId);

/// <summary>For one user: their unread count in one conversation, and their total over unmuted conversations.</summary>
public sealed record UnreadUpdated(Guid AccountId, Guid UserId, Guid ConversationId, long UnreadCount, long Total) : InboxEvent(AccountId);

/// <summary>A ticket was opened, edited or moved: the whole account's pages show it live (ticket.updated).</summary>
public sealed record TicketUpdated(Guid AccountId, TicketResponse Ticket) : InboxEvent(AccountId);

/// <summary>A contact was created or changed (its fields, lead status, a merge): every connection of the account hears it.</summary>
public sealed record ContactUpdated(Guid AccountId, ContactDetails Contact) : InboxEvent(AccountId);
