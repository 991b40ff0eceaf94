using Inbox.Infrastructure.Time;

namespace Inbox.Features.Webhooks.Receivers.Delete;

/// <summary>Deletes an endpoint: nothing more is posted to it. Another account's id answers 404 like an unknown one.</summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api/webhooks/endpoints/{id}");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!await Data.DeleteAsync(db, User.Caller().AccountId, req.Id, clock.NowForDatabase(), ct))
            ThrowError("No such webhook endpoint.", StatusCodes.Status404NotFound);
        await Send.NoContentAsync(ct);
    }
}
