namespace Inbox.Features.ReadReceipts.List;

static class Data
{
    public static Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>Every participant's receipt with their own (stored) unread count, in the order they joined.</summary>
    public static Task<List<ParticipantRow>> ReceiptsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Participants
            .Where(p => p.ConversationId == conversationId && p.AccountId == accountId)
            .OrderBy(p => p.JoinedAt).ThenBy(p => p.UserId)
            .ToListAsync(ct);
}
