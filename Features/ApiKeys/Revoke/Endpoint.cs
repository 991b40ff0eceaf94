using Inbox.Infrastructure.Time;

namespace Inbox.Features.ApiKeys.Revoke;

/// <summary>
/// Revokes a key; the next request with it is refused, since keys are checked against the database on every
/// request. Another account's key id answers 404 like an unknown one.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api/api-keys/{id}");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!await Data.RevokeAsync(db, User.Caller().AccountId, req.Id, clock.NowForDatabase(), ct))
            ThrowError("No such API key.", StatusCodes.Status404NotFound);
        await Send.NoContentAsync(ct);
    }
}
