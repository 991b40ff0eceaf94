namespace Inbox.Features.Webhooks.Receivers.Test;

static class Data
{
    public static Task<WebhookEndpointRow?> FindAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id && e.AccountId == accountId && e.DeletedAt == null, ct);

    /// <summary>
    /// The test event is a delivery of one attempt like any other, so it is logged and can be replayed. This
    /// request posts it under a lease, so the dispatcher leaves it alone; it becomes the dispatcher's only if the lease runs
    /// out with the delivery still pending, that is when the process died while posting it (at least once, as for
    /// every event).
    /// </summary>
    public static async Task<WebhookDeliveryRow> InsertAsync(InboxDb db, WebhookEndpointRow endpoint, string payload, Instant now, Instant leaseUntil, CancellationToken ct)
    {
        var delivery = new WebhookDeliveryRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = endpoint.AccountId,
            EndpointId = endpoint.Id,
            TicketId = null,
            EventId = WebhookEvents.NewEventId(),
            Type = WebhookEvents.Test,
            Payload = payload,
            State = DeliveryState.Pending,
            Attempts = 0,
            MaxAttempts = 1,
            NextAttemptAt = now,
            LeasedUntil = leaseUntil,
            CreatedAt = now,
        };
        await db.InsertAsync(delivery, token: ct);
        return delivery;
    }
}
