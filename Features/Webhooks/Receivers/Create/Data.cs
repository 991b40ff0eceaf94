namespace Inbox.Features.Webhooks.Receivers.Create;

static class Data
{
    public static Task InsertAsync(InboxDb db, WebhookEndpointRow endpoint, CancellationToken ct) =>
        db.InsertAsync(endpoint, token: ct);
}
