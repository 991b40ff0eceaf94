using System.Threading.Channels;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Tickets.Overdue;

/// <summary>What one sweep run did, as <c>POST /api/cron/check-overdue</c> answers it.</summary>
/// <param name="Checked">(ticket, endpoint) pairs found overdue, assigned and outside their 24 h window.</param>
/// <param name="Notified">posts of this run a receiver accepted (2xx): new events, retries and replays.</param>
/// <param name="Failed">posts of this run that failed (timeout, connection error, non-2xx); each is retried or given up.</param>
/// <param name="Skipped">pairs found but not claimed: another instance, or the cron trigger, claimed the window first.</param>
public sealed record SweepResult(int Checked, int Notified, int Failed, int Skipped);

/// <summary>
/// The overdue sweep. Every <c>Webhooks:SweepInterval</c> it claims a 24 h window for each overdue, assigned
/// ticket and each endpoint of its account that has not heard of it within 24 h, then posts every due delivery
/// (new events and retries) one after the other, <c>Webhooks:DelayBetweenPosts</c> apart, and deletes log rows
/// past <c>Webhooks:RetentionDays</c>. Nothing is decided in memory: windows, retries and leases are rows, so
/// several instances and the cron trigger can run it at the same moment and each notification is posted once.
/// A replay wakes the loop so it is posted at once rather than at the next tick.
/// </summary>
public sealed class OverdueSweep(
    IServiceScopeFactory scopes,
    DatabaseReadiness readiness,
    IClock clock,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<OverdueSweep> logger) : BackgroundService
{
    /// <summary>At most one notification per (ticket, endpoint) in this long.</summary>
    public static readonly Duration Window = Duration.FromHours(24);

    readonly WebhookOptions _options = options.Value;
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Posts whatever is due now instead of at the next tick (a replay was queued).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var wake = _wake.Reader.WaitToReadAsync(stoppingToken).AsTask();
        while (true)
        {
            try
            {
                await Task.WhenAny(tick, wake);
                if (stoppingToken.IsCancellationRequested) return;
                var full = tick.IsCompleted;
                if (full)
                {
                    if (!await tick) return;
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
                if (wake.IsCompleted)
                {
                    _wake.Reader.TryRead(out _);
                    wake = _wake.Reader.WaitToReadAsync(stoppingToken).AsTask();
                }
                if (!readiness.Migrated) continue;
                if (full) await RunOnceAsync(stoppingToken);
                else await DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // An exception escaping ExecuteAsync would stop the host; the next tick tries again.
                logger.LogError(e, "Overdue sweep failed; next run in {Interval}", _options.SweepInterval);
            }
        }
    }

    /// <summary>One whole run: retention, claims, then every due post. Tests and the cron trigger call it directly.</summary>
    public async Task<SweepResult> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InboxDb>();
        var now = clock.NowForDatabase();
        await Data.DeleteExpiredAsync(db, now - _options.Retention, ct);

        var windowOpenAfter = now - Window;
        var candidates = await Data.FindCandidatesAsync(db, now, windowOpenAfter, _options.BatchSize, ct);
        var skipped = 0;
        foreach (var pair in candidates)
        {
            var payload = WebhookPayload.Serialize(pair.Ticket, pair.Assignee, now);
            if (!await Data.TryClaimAsync(db, pair, WebhookEvents.NewEventId(), payload, now, windowOpenAfter, Deliveries.MaxAttempts, ct))
                skipped++;
        }

        var (notified, failed) = await PostDueAsync(db, ct);
        if (candidates.Count > 0 || notified + failed > 0)
            logger.LogInformation("Overdue sweep: {Checked} checked, {Notified} notified, {Failed} failed, {Skipped} skipped",
                candidates.Count, notified, failed, skipped);
        return new SweepResult(candidates.Count, notified, failed, skipped);
    }

    async Task DeliverDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await PostDueAsync(scope.ServiceProvider.GetRequiredService<InboxDb>(), ct);
    }

    /// <summary>
    /// Posts due deliveries one at a time until none is due (bounded by the batch size per run), or until the host
    /// begins to stop: no new post starts then, the one in flight goes on until <paramref name="ct"/> cuts it.
    /// </summary>
    async Task<(int Notified, int Failed)> PostDueAsync(InboxDb db, CancellationToken ct)
    {
        int notified = 0, failed = 0;
        var lease = Deliveries.LeaseFor(_options);
        for (var posts = 0; posts < _options.BatchSize && !lifetime.ApplicationStopping.IsCancellationRequested; posts++)
        {
            var now = clock.NowForDatabase();
            var due = await Data.LeaseNextDueAsync(db, now, now + lease, ct);
            if (due is null) break;
            if (posts > 0 && _options.DelayBetweenPosts > TimeSpan.Zero)
                await Task.Delay(_options.DelayBetweenPosts, ct);

            // Logged and committed before the post: a process that dies from here on leaves the attempt open, and
            // whoever takes the delivery over once the lease runs out closes it as "stopped" and posts again.
            var delivery = due.Row;
            var started = await Deliveries.BeginAsync(db, delivery, clock.NowForDatabase(), ct);
            if (started is null) continue;
            var attempt = await sender.PostAsync(due.Url, due.Secret, due.EventId, due.Payload, ct);
            // With a timeout of its own, not ct: when shutdown cut the post, ct is cancelled, and the interrupted
            // attempt must still be written (as unknown, due again at once).
            await Deliveries.RecordOutcomeAsync(db, delivery, started, attempt, clock.NowForDatabase());
            if (attempt.Interrupted)
            {
                logger.LogWarning("Webhook post {EventId} (attempt {Attempt}) was cut off before its outcome was known; it will be sent again",
                    due.EventId, started.Number);
                failed++;
                break;
            }
            if (attempt.Succeeded) notified++;
            else failed++;
        }
        return (notified, failed);
    }

    /// <summary>
    /// Never throws past the host. When the host's shutdown timeout is already spent on entry (a long request held
    /// it), the base class returns at once while the loop may still be writing the attempt the stop interrupted:
    /// that gets a short wait of its own, never the cancelled token.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
            if (ExecuteTask is { IsCompleted: false } loop)
                await loop.WaitAsync(Deliveries.RecordTimeout, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The overdue sweep did not stop cleanly; an attempt it was posting is closed by the next instance");
        }
    }
}
