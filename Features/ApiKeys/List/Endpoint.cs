namespace Inbox.Features.ApiKeys.List;

/// <summary>The account's live keys, without the keys themselves.</summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<IReadOnlyList<Response>>
{
    public override void Configure()
    {
        Get("/api/api-keys");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(await Data.ListLiveAsync(db, User.Caller().AccountId, ct), ct);
}
