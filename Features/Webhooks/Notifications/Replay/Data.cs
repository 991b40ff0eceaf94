namespace Inbox.Features.Webhooks.Notifications.Replay;

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
