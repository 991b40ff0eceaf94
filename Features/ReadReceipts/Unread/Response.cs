namespace Inbox.Features.ReadReceipts.Unread;

public sealed record Item(Guid ConversationId, long UnreadCount, bool Muted);

/// <summary><c>total</c> adds up the unmuted conversations only.</summary>
public sealed record Response(long Total, IReadOnlyList<Item> Conversations);
