using Inbox.Features.ReadReceipts;

namespace Inbox.Features.Conversations.Edit;

static class Data
{
    public static Task<bool> ExistsAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == id && c.AccountId == accountId, ct);

    public static Task<bool> IsUserOfAccountAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == userId && u.AccountId == accountId, ct);

    public static async Task UpdateAsync(InboxDb db, Guid accountId, Request req, CancellationToken ct)
    {
        var update = db.Conversations.Where(c => c.Id == req.Id && c.AccountId == accountId).AsUpdatable();
        if (req.Subject.IsSet)
        {
            var subject = string.IsNullOrWhiteSpace(req.Subject.Value) ? null : req.Subject.Value.Trim();
            update = update.Set(c => c.Subject, subject);
        }
        if (req.Status.Value is { } status) update = update.Set(c => c.Status, status);
        if (req.AssigneeId.IsSet) update = update.Set(c => c.AssigneeId, req.AssigneeId.Value);
        await update.UpdateAsync(ct);
    }

    /// <summary>
    /// Makes the user a participant with every earlier message unread; true when they were not one yet. The
    /// conversation row is already locked by <see cref="UpdateAsync"/> in the same transaction.
    /// </summary>
    public static Task<bool> JoinAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Instant now, CancellationToken ct) =>
        Participation.JoinAsync(db, accountId, conversationId, userId, readSeq: 0, readMessageId: null, muted: false, now, ct);
}
