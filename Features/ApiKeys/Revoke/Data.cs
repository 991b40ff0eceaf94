namespace Inbox.Features.ApiKeys.Revoke;

static class Data
{
    /// <summary>Revokes the account's live key; false when the account has no such live key.</summary>
    public static async Task<bool> RevokeAsync(InboxDb db, Guid accountId, Guid id, Instant now, CancellationToken ct) =>
        await db.ApiKeys
            .Where(k => k.Id == id && k.AccountId == accountId && k.RevokedAt == null)
            .Set(k => k.RevokedAt, now)
            .UpdateAsync(ct) > 0;
}
