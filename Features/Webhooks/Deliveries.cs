namespace Inbox.Features.Webhooks;

/// <summary>
/// The delivery state machine, shared by every way an event is posted (the sweep, its retries, replays, the test
/// route): a failed attempt is retried after 30 s, 2 min, 10 min and 1 h (each ±20 % so that receivers coming
/// back are not hit by every sender at once), then the delivery is given up; a 2xx delivers it; a 410 Gone
/// disables the endpoint and gives up everything still pending for it.
/// </summary>
public static class Deliveries
{
    /// <summary>
    /// The delays before retries 1..4. Persisted as <c>next_attempt_at</c> rather than slept through in memory
    /// (which is what Polly's retry strategy would do), so a retry survives a restart and never holds a sweep.
    /// </summary>
    public static readonly IReadOnlyList<Duration> RetryDelays =
        [Duration.FromSeconds(30), Duration.FromMinutes(2), Duration.FromMinutes(10), Duration.FromHours(1)];

    /// <summary>The first attempt and every retry.</summary>
    public static int MaxAttempts => RetryDelays.Count + 1;

    public const double Jitter = 0.2;

    /// <summary>When attempt <paramref name="attempt"/> + 1 is due after attempt <paramref name="attempt"/> failed at <paramref name="now"/>.</summary>
    public static Instant NextAttemptAt(Instant now, int attempt)
    {
        var delay = RetryDelays[Math.Clamp(attempt - 1, 0, RetryDelays.Count - 1)];
        var factor = 1 + Jitter * (2 * Random.Shared.NextDouble() - 1);
        var ticks = (long)(delay.TotalTicks * factor);
        return now + Duration.FromTicks(ticks - ticks % 10);
    }

    /// <summary>How long the instance that claimed a delivery has it to itself before another may take it over.</summary>
    public static Duration LeaseFor(WebhookOptions options) => Duration.FromTimeSpan(options.PostTimeout) + Duration.FromMinutes(1);

    /// <summary>
    /// Logs attempt <paramref name="attemptNumber"/> of a delivery and moves the delivery on, in one transaction.
    /// The state changes only if nobody recorded an attempt in between (an instance whose lease ran out while it
    /// was posting still gets its attempt logged, but does not overwrite the newer state).
    /// </summary>
    public static async Task RecordAsync(InboxDb db, WebhookDeliveryRow delivery, int attemptNumber, WebhookAttempt attempt, Instant now, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.InsertAsync(new WebhookNotificationRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = delivery.AccountId,
            DeliveryId = delivery.Id,
            EndpointId = delivery.EndpointId,
            TicketId = delivery.TicketId,
            EventId = delivery.EventId,
            Attempt = attemptNumber,
            StatusCode = attempt.StatusCode,
            Error = attempt.Error,
            DurationMs = attempt.DurationMs,
            SentAt = attempt.SentAt,
            ResponseBody = attempt.ResponseBody,
        }, token: ct);

        var (state, next) = attempt.Succeeded ? (DeliveryState.Delivered, (Instant?)null)
            : attempt.Gone || attemptNumber >= delivery.MaxAttempts ? (DeliveryState.Failed, null)
            : (DeliveryState.Pending, NextAttemptAt(now, attemptNumber));
        var previous = attemptNumber - 1;
        await db.WebhookDeliveries
            .Where(d => d.Id == delivery.Id && d.Attempts == previous)
            .Set(d => d.Attempts, attemptNumber)
            .Set(d => d.State, state)
            .Set(d => d.NextAttemptAt, next)
            .Set(d => d.LeasedUntil, (Instant?)null)
            .UpdateAsync(ct);

        if (attempt.Gone)
        {
            await db.WebhookEndpoints
                .Where(e => e.Id == delivery.EndpointId && e.Enabled)
                .Set(e => e.Enabled, false)
                .Set(e => e.DisabledAt, now)
                .UpdateAsync(ct);
            await GiveUpPendingAsync(db, delivery.EndpointId, ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>An endpoint that is disabled or deleted takes no more posts: whatever was still due for it is given up.</summary>
    public static Task<int> GiveUpPendingAsync(InboxDb db, Guid endpointId, CancellationToken ct) =>
        db.WebhookDeliveries
            .Where(d => d.EndpointId == endpointId && d.State == DeliveryState.Pending)
            .Set(d => d.State, DeliveryState.Failed)
            .Set(d => d.NextAttemptAt, (Instant?)null)
            .Set(d => d.LeasedUntil, (Instant?)null)
            .UpdateAsync(ct);
}
