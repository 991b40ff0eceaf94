namespace Inbox.Features.ReadReceipts.Unread;

static class Data
{
    /// <summary>
    /// The user's receipts with something after them, or muted, most recent activity first. Only those are
    /// counted at all; the count runs once per row, and rows whose new messages are all the user's own come
    /// back with a count of 0 (the caller drops them).
    /// </summary>
    public static Task<List<Item>> CandidatesAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct) =>
        (from p in db.ParticipantUnread
         join c in db.Conversations on p.ConversationId equals c.Id
         where p.UserId == userId && p.AccountId == accountId && (p.Muted || c.LastSeq > p.LastReadSeq)
         orderby c.LastActivityAt descending, c.Id descending
         select new Item(p.ConversationId, p.UnreadCount, p.Muted)).ToListAsync(ct);
}
