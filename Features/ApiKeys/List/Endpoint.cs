namespace Inbox.Features.ApiKeys.List;

public sealed record Response(Guid Id, string Name, string Prefix, Instant CreatedAt);

/// <summary>The account's live keys, without the keys themselves.</summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<IReadOnlyList<Response>>
{
    public override void Configure()
    {
        Get("/api/api-keys");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var keys = await db.ApiKeys
            .Where(k => k.AccountId == accountId && k.RevokedAt == null)
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .Select(k => new Response(k.Id, k.Name, k.Prefix, k.CreatedAt))
            .ToListAsync(ct);
        await Send.OkAsync(keys, ct);
    }
}
