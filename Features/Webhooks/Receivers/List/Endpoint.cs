namespace Inbox.Features.Webhooks.Endpoints.List;

/// <summary><c>enabled</c> turns false once a receiver answered 410 Gone.</summary>
public sealed record Response(Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, Instant CreatedAt);

/// <summary>The account's endpoints, oldest first, without their secrets.</summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<IReadOnlyList<Response>>
{
    public override void Configure()
    {
        Get("/api/webhooks/endpoints");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var rows = await db.WebhookEndpoints
            .Where(e => e.AccountId == accountId && e.DeletedAt == null)
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .ToListAsync(ct);
        await Send.OkAsync(rows.Select(e => new Response(e.Id, e.Url, e.Events, e.Enabled, e.CreatedAt)).ToList(), ct);
    }
}
