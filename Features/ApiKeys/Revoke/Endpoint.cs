using Inbox.Infrastructure.Time;

namespace Inbox.Features.ApiKeys.Revoke;

public sealed class Request
{
    public Guid Id { get; set; }
}

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
        var accountId = User.Caller().AccountId;
        var now = clock.NowForDatabase();
        var revoked = await db.ApiKeys
            .Where(k => k.Id == req.Id && k.AccountId == accountId && k.RevokedAt == null)
            .Set(k => k.RevokedAt, now)
            .UpdateAsync(ct);
        if (revoked == 0)
            ThrowError("No such API key.", StatusCodes.Status404NotFound);
        await Send.NoContentAsync(ct);
    }
}
