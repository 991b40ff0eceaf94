using Inbox.Features.Tickets.Overdue;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Webhooks.Notifications.Replay;

public sealed class Request
{
    public Guid Id { get; set; }
}

static class Data
{
    public enum Outcome { Queued, NotFound, EndpointGone }

    /// <summary>
    /// Makes the notification's delivery due now for one more attempt under its own event id (and so its
    /// original webhook-id and body). A delivery still being retried just becomes due now; one being posted at this
    /// moment keeps its lease, so the replay cannot race that post.
    /// </summary>
    public static async Task<Outcome> QueueAsync(InboxDb db, Guid accountId, Guid notificationId, Instant now, CancellationToken ct)
    {
        var found = await (
            from n in db.WebhookNotifications
            join d in db.WebhookDeliveries on n.DeliveryId equals d.Id
            join e in db.WebhookEndpoints on d.EndpointId equals e.Id
            where n.Id == notificationId && n.AccountId == accountId
            select new { DeliveryId = d.Id, d.Attempts, Usable = e.Enabled && e.DeletedAt == null }).FirstOrDefaultAsync(ct);
        if (found is null) return Outcome.NotFound;
        if (!found.Usable) return Outcome.EndpointGone;

        await db.WebhookDeliveries
            .Where(d => d.Id == found.DeliveryId && d.AccountId == accountId)
            .Set(d => d.State, DeliveryState.Pending)
            .Set(d => d.NextAttemptAt, now)
            .Set(d => d.MaxAttempts, d => d.MaxAttempts > d.Attempts ? d.MaxAttempts : d.Attempts + 1)
            .UpdateAsync(ct);
        return Outcome.Queued;
    }
}

/// <summary>
/// Re-sends a logged event under its original <c>webhook-id</c>, so a receiver that was down can be caught up by
/// hand (receivers deduplicate on that id). 202: the post is queued and the sweep is woken to send it at once.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, OverdueSweep sweep) : Endpoint<Request>
{
    public override void Configure()
    {
        Post("/api/webhooks/notifications/{id}/replay");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        switch (await Data.QueueAsync(db, User.Caller().AccountId, req.Id, clock.NowForDatabase(), ct))
        {
            case Data.Outcome.NotFound:
                await Problem.WriteAsync(HttpContext, StatusCodes.Status404NotFound, "No such notification.");
                return;
            case Data.Outcome.EndpointGone:
                await Problem.WriteAsync(HttpContext, StatusCodes.Status409Conflict, "The endpoint of this notification was deleted or disabled.");
                return;
        }
        sweep.Wake();
        await Send.ResultAsync(Results.Accepted());
    }
}
