using LinqToDB.Data;

namespace Inbox.Features.Realtime;

static class Data
{
    /// <summary>Whether the conversation exists in the account: the only check a subscription needs.</summary>
    public static async Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        await db.ExecuteAsync<int?>(
            "SELECT 1 FROM conversations WHERE id = @id AND account_id = @account", ct,
            new DataParameter("id", conversationId), new DataParameter("account", accountId)) is not null;

    /// <summary>An access token outlives a logout by up to its lifetime; a socket must not.</summary>
    public static Task<bool> SessionIsLiveAsync(InboxDb db, Guid sessionId, Guid userId, CancellationToken ct) =>
        db.Sessions.AnyAsync(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null, ct);
}
