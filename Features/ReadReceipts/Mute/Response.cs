namespace Inbox.Features.ReadReceipts.Mute;

public sealed record Response(Guid ConversationId, bool Muted);
