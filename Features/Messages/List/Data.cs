namespace Inbox.Features.Messages.List;

static class Data
{
    public static Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>The seq of a message of this conversation; null for any other id.</summary>
    public static Task<long?> SeqOfAsync(InboxDb db, Guid accountId, Guid conversationId, Guid messageId, CancellationToken ct) =>
        db.Messages.Where(m => m.Id == messageId && m.ConversationId == conversationId && m.AccountId == accountId)
            .Select(m => (long?)m.Seq).FirstOrDefaultAsync(ct);

    /// <summary>Newest first, strictly before <paramref name="beforeSeq"/> when given: a backward range scan of (conversation_id, seq).</summary>
    public static Task<List<MessageRow>> NewestFirstAsync(InboxDb db, Guid accountId, Guid conversationId, long? beforeSeq, int take, CancellationToken ct)
    {
        var query = db.Messages.Where(m => m.ConversationId == conversationId && m.AccountId == accountId);
        if (beforeSeq is { } before) query = query.Where(m => m.Seq < before);
        return query.OrderByDescending(m => m.Seq).Take(take).ToListAsync(ct);
    }

    /// <summary>Oldest first, strictly after <paramref name="afterSeq"/>.</summary>
    public static Task<List<MessageRow>> OldestFirstAsync(InboxDb db, Guid accountId, Guid conversationId, long afterSeq, int take, CancellationToken ct) =>
        db.Messages.Where(m => m.ConversationId == conversationId && m.AccountId == accountId && m.Seq > afterSeq)
            .OrderBy(m => m.Seq).Take(take).ToListAsync(ct);
}
