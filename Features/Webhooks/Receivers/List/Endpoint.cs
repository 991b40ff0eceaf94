namespace Inbox.Features.Webhooks.Receivers.List;

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
        var rows = await Data.ListAsync(db, User.Caller().AccountId, ct);
        await Send.OkAsync(rows.Select(e => new Response(e.Id, e.Url, e.Events, e.Enabled, e.CreatedAt)).ToList(), ct);
    }
}
