using LinqToDB.Data;

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

    /// <summary>Makes the user a participant; true when they were not one yet.</summary>
    public static async Task<bool> JoinAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Instant now, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
            VALUES (@conversation, @user, @account, @now)
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            """, ct,
            new DataParameter("conversation", conversationId), new DataParameter("user", userId),
            new DataParameter("account", accountId), new DataParameter("now", now)) == 1;
}
