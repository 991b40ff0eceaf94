namespace Inbox.Features.ApiKeys.List;

static class Data
{
    /// <summary>The account's keys that are not revoked, oldest first.</summary>
    public static Task<List<Response>> ListLiveAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.ApiKeys
            .Where(k => k.AccountId == accountId && k.RevokedAt == null)
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .Select(k => new Response(k.Id, k.Name, k.Prefix, k.CreatedAt))
            .ToListAsync(ct);
}
