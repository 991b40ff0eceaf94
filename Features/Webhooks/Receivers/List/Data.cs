namespace Inbox.Features.Webhooks.Receivers.List;

static class Data
{
    /// <summary>The account's live endpoints, oldest first (the index <c>webhook_endpoints_account</c>).</summary>
    public static Task<List<WebhookEndpointRow>> ListAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.WebhookEndpoints
            .Where(e => e.AccountId == accountId && e.DeletedAt == null)
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .ToListAsync(ct);
}
