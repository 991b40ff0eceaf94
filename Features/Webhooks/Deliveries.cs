using Inbox.Infrastructure.Time;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Webhooks;

/// <summary>
/// The delivery state machine, shared by every way an event is posted (the dispatcher's posts of new events,
/// retries and replays, and the test route): a failed attempt is retried after 30 s, 2 min, 10 min and 1 h (each ±20 % so that receivers coming
/// back are not hit by every sender at once), then the delivery is given up; a 2xx delivers it; a 410 Gone
/// disables the endpoint and gives up everything still pending for it. Each attempt is logged before it is posted
/// and its outcome filled in after, so one whose outcome is unknown (the service stopped or died while posting) is
/// still in the log, and is posted again under the same webhook-id (at least once: receivers deduplicate on it).
/// </summary>
public static class Deliveries
{
    /// <summary>
    /// The delays before retries 1..4. Persisted as <c>next_attempt_at</c> rather than slept through in memory
    /// (which is what Polly's retry strategy would do), so a retry survives a restart and never holds a run.
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
        return (now + Duration.FromTicks((long)(delay.TotalTicks * factor))).ToDatabasePrecision();
    }

    /// <summary>How long the instance that claimed a delivery has it to itself before another may take it over.</summary>
    public static Duration LeaseFor(WebhookOptions options) => Duration.FromTimeSpan(options.PostTimeout) + Duration.FromMinutes(1);

    /// <summary>The <c>error</c> of an attempt being posted right now: logged before the post, replaced by its outcome after.</summary>
    public const string InProgress = "in progress";

    /// <summary>
    /// The <c>error</c> of an attempt whose instance died (killed, crashed, lost its database) between logging it and
    /// recording its outcome. The receiver may or may not have got it; it is posted again under the same webhook-id.
    /// </summary>
    public const string ProcessStopped = "the process stopped before the outcome was known";

    /// <summary>
    /// How long writing an attempt's outcome may take. It has its own timeout rather than the caller's token, which
    /// during shutdown is already cancelled: the outcome of a post that happened must still be written.
    /// </summary>
    public static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Attempt <see cref="Number"/> of a delivery, logged (as <see cref="InProgress"/>) in row <see cref="Id"/>.</summary>
    public sealed record Started(Guid Id, int Number);

    /// <summary>
    /// Logs the next attempt of a delivery this instance holds, in its own committed transaction, before anything is
    /// posted: if the process dies during the post, the log still shows that an attempt was made, and when. Attempts
    /// of the delivery still open at this point were left by an instance that died while posting (its lease ran out,
    /// which is how this one got the delivery): they are closed as <see cref="ProcessStopped"/> first, so the log
    /// shows them no later than this retry. Null when another instance has taken the delivery over meanwhile.
    /// </summary>
    public static async Task<Started?> BeginAsync(InboxDb db, WebhookDeliveryRow delivery, Instant now, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.WebhookNotifications
            .Where(n => n.DeliveryId == delivery.Id && n.StatusCode == null && n.Error == InProgress)
            .Set(n => n.Error, ProcessStopped)
            .UpdateAsync(ct);

        // attempts counts the attempts begun; the guard is the lease's second line (an instance that lost its lease
        // while waiting here does not post).
        var previous = delivery.Attempts;
        var number = previous + 1;
        var taken = await db.WebhookDeliveries
            .Where(d => d.Id == delivery.Id && d.Attempts == previous)
            .Set(d => d.Attempts, number)
            .UpdateAsync(ct);
        if (taken == 0) return null;

        var id = Guid.CreateVersion7();
        await db.InsertAsync(new WebhookNotificationRow
        {
            Id = id,
            AccountId = delivery.AccountId,
            DeliveryId = delivery.Id,
            EndpointId = delivery.EndpointId,
            TicketId = delivery.TicketId,
            ContactId = delivery.ContactId,
            EventType = delivery.Type,
            EventId = delivery.EventId,
            Attempt = number,
            StatusCode = null,
            Error = InProgress,
            DurationMs = 0,
            SentAt = now,
        }, token: ct);
        await tx.CommitAsync(ct);
        return new Started(id, number);
    }

    /// <summary>
    /// Fills in the outcome of a begun attempt and moves the delivery on, in one transaction. The attempt's row is
    /// always updated (a real outcome replaces a <see cref="ProcessStopped"/> another instance may have guessed);
    /// the delivery's state changes only if nobody began another attempt in between (an instance whose lease ran
    /// out while it was posting does not overwrite the newer state). An interrupted post (shutdown) is never a
    /// reason to give up: its outcome is unknown, so the delivery is due again at once, under the same webhook-id.
    /// </summary>
    public static async Task FinishAsync(InboxDb db, WebhookDeliveryRow delivery, Started started, WebhookAttempt attempt, Instant now, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.WebhookNotifications
            .Where(n => n.Id == started.Id)
            .Set(n => n.StatusCode, attempt.StatusCode)
            .Set(n => n.Error, attempt.Error)
            .Set(n => n.DurationMs, attempt.DurationMs)
            .Set(n => n.ResponseBody, attempt.ResponseBody)
            .UpdateAsync(ct);

        var (state, next) = attempt.Succeeded ? (DeliveryState.Delivered, (Instant?)null)
            : attempt.Interrupted ? (DeliveryState.Pending, now)
            : attempt.Gone || started.Number >= delivery.MaxAttempts ? (DeliveryState.Failed, null)
            : (DeliveryState.Pending, NextAttemptAt(now, started.Number));
        var number = started.Number;
        await db.WebhookDeliveries
            .Where(d => d.Id == delivery.Id && d.Attempts == number)
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
            await GiveUpPendingAsync(db, delivery.EndpointId, now, ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary><see cref="FinishAsync"/> bounded by <see cref="RecordTimeout"/> alone, whatever state the caller's token is in.</summary>
    public static async Task RecordOutcomeAsync(InboxDb db, WebhookDeliveryRow delivery, Started started, WebhookAttempt attempt, Instant now)
    {
        using var timeout = new CancellationTokenSource(RecordTimeout);
        await FinishAsync(db, delivery, started, attempt, now, timeout.Token);
    }

    /// <summary>
    /// Leases the next due delivery of an enabled endpoint. SKIP LOCKED lets instances pick side by side without
    /// waiting on each other; the lease keeps others off it while it is being posted (outside any transaction),
    /// and lets another instance take it over if this one dies before recording the attempt.
    /// </summary>
    public static async Task<DueDelivery?> LeaseNextDueAsync(InboxDb db, Instant now, Instant leaseUntil, CancellationToken ct) =>
        (await db.QueryToListAsync<DueDelivery>(
            """
            UPDATE webhook_deliveries d
            SET leased_until = @leaseUntil
            FROM (SELECT dd.id
                  FROM webhook_deliveries dd
                  JOIN webhook_endpoints e ON e.id = dd.endpoint_id AND e.enabled AND e.deleted_at IS NULL
                  WHERE dd.state = 'pending' AND dd.next_attempt_at <= @now AND (dd.leased_until IS NULL OR dd.leased_until <= @now)
                  ORDER BY dd.next_attempt_at, dd.id
                  LIMIT 1
                  FOR UPDATE OF dd SKIP LOCKED) due,
                 webhook_endpoints ep
            WHERE d.id = due.id AND ep.id = d.endpoint_id
            RETURNING d.id, d.account_id, d.endpoint_id, d.ticket_id, d.contact_id, d.event_id, d.type, d.payload, d.attempts, d.max_attempts, ep.url, ep.secret
            """, ct,
            new DataParameter("now", now), new DataParameter("leaseUntil", leaseUntil))).FirstOrDefault();

    /// <summary>Retention: log rows past it, then finished deliveries no log row points at any more.</summary>
    public static async Task DeleteExpiredAsync(InboxDb db, Instant cutoff, CancellationToken ct)
    {
        await db.WebhookNotifications.Where(n => n.SentAt < cutoff).DeleteAsync(ct);
        await db.WebhookDeliveries
            .Where(d => d.State != DeliveryState.Pending && d.CreatedAt < cutoff && !db.WebhookNotifications.Any(n => n.DeliveryId == d.Id))
            .DeleteAsync(ct);
    }

    /// <summary>
    /// An endpoint that is disabled or deleted takes no more posts: whatever was still due for it is given up. An
    /// attempt left open by an instance that died while posting (its lease has run out) would otherwise stay "in
    /// progress" for good, since nobody takes the delivery over to close it: it is closed here. One still leased is
    /// being posted right now, and its instance writes the outcome itself.
    /// </summary>
    public static async Task<int> GiveUpPendingAsync(InboxDb db, Guid endpointId, Instant now, CancellationToken ct)
    {
        var abandoned = db.WebhookDeliveries
            .Where(d => d.EndpointId == endpointId && d.State == DeliveryState.Pending && d.LeasedUntil != null && d.LeasedUntil <= now)
            .Select(d => d.Id);
        await db.WebhookNotifications
            .Where(n => abandoned.Contains(n.DeliveryId) && n.StatusCode == null && n.Error == InProgress)
            .Set(n => n.Error, ProcessStopped)
            .UpdateAsync(ct);
        return await db.WebhookDeliveries
            .Where(d => d.EndpointId == endpointId && d.State == DeliveryState.Pending)
            .Set(d => d.State, DeliveryState.Failed)
            .Set(d => d.NextAttemptAt, (Instant?)null)
            .Set(d => d.LeasedUntil, (Instant?)null)
            .UpdateAsync(ct);
    }
}

/// <summary>A delivery this instance has just leased, with where and how to post it.</summary>
public sealed class DueDelivery
{
    [Column("id")] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("endpoint_id")] public Guid EndpointId { get; set; }
    [Column("ticket_id")] public Guid? TicketId { get; set; }
    [Column("contact_id")] public Guid? ContactId { get; set; }
    [Column("event_id")] public string EventId { get; set; } = "";
    [Column("type")] public string Type { get; set; } = "";
    [Column("payload")] public string Payload { get; set; } = "";
    [Column("attempts")] public int Attempts { get; set; }
    [Column("max_attempts")] public int MaxAttempts { get; set; }
    [Column("url")] public string Url { get; set; } = "";
    [Column("secret")] public string Secret { get; set; } = "";

    public WebhookDeliveryRow Row => new()
    {
        Id = Id, AccountId = AccountId, EndpointId = EndpointId, TicketId = TicketId, ContactId = ContactId, EventId = EventId, Type = Type,
        Payload = Payload, State = DeliveryState.Pending, Attempts = Attempts, MaxAttempts = MaxAttempts,
    };
}
