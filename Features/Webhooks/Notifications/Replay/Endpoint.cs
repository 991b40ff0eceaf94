using Inbox.Infrastructure.Time;

namespace Inbox.Features.Webhooks.Notifications.Replay;

/// <summary>
/// Re-sends a logged event under its original <c>webhook-id</c>, so a receiver that was down can be caught up by
/// hand (receivers deduplicate on that id). 202: the post is queued and the dispatcher is woken to send it at once.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, WebhookDispatcher dispatcher) : Endpoint<Request>
{
    public override void Configure()
    {
        Post("/api/webhooks/notifications/{id}/replay");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var outcome = await Data.QueueAsync(db, User.Caller().AccountId, req.Id, clock.NowForDatabase(), ct);
        if (outcome == Data.Outcome.NotFound)
            ThrowError("No such notification.", StatusCodes.Status404NotFound);
        if (outcome == Data.Outcome.EndpointGone)
            ThrowError("The endpoint of this notification was deleted or disabled.", StatusCodes.Status409Conflict);
        dispatcher.Wake();
        await Send.ResultAsync(Results.Accepted());
    }
}
