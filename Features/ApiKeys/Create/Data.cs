namespace Inbox.Features.ApiKeys.Create;

static class Data
{
    public static Task InsertAsync(InboxDb db, ApiKeyRow key, CancellationToken ct) =>
        db.InsertAsync(key, token: ct);
}
