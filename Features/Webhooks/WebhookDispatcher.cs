using System.Threading.Channels;
using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks;

/// <summary>What one run of the dispatcher posted.</summary>
/// <param name="Notified">posts a receiver accepted (2xx): new events, retries and replays.</param>
/// <param name="Failed">posts that failed (timeout, connection error, non-2xx); each is retried or given up.</param>
public sealed record DeliveryRun(int Notified, int Failed);

/// <summary>
/// The one place webhooks are posted from. Every <c>Webhooks:SweepInterval</c> it deletes log rows past
/// <c>Webhooks:RetentionDays</c> and posts every due delivery (new events and retries) one after the other,
/// <c>Webhooks:DelayBetweenPosts</c> apart. Nothing is decided in memory: retries and leases are rows
/// (<see cref="Deliveries"/>), so several instances, the overdue sweep and the cron trigger can post at the same
/// moment and each attempt is made once. Features queue events with <see cref="WebhookOutbox"/> and may
/// <see cref="Wake"/> it (a replay does) so they are posted at once rather than at the next tick.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    DatabaseReadiness readiness,
    IClock clock,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    IHostApplicationLifetime lifetime,
    DatabaseOutage outage,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    readonly WebhookOptions _options = options.Value;
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Posts whatever is due now instead of at the next tick (a replay or new events were queued).</summary>
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
                else await PostDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // An exception escaping ExecuteAsync would stop the host; the next tick tries again.
                outage.LogFailure(logger, e, $"Webhook delivery failed; next run in {_options.SweepInterval}");
            }
        }
    }

    /// <summary>One whole run: retention, then every due post. The overdue sweep (and so the cron trigger) calls it after its claims.</summary>
    public async Task<DeliveryRun> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InboxDb>();
        await Deliveries.DeleteExpiredAsync(db, clock.NowForDatabase() - _options.Retention, ct);
        return await PostDueAsync(db, ct);
    }

    async Task<DeliveryRun> PostDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await PostDueAsync(scope.ServiceProvider.GetRequiredService<InboxDb>(), ct);
    }

    /// <summary>
    /// Posts due deliveries one at a time until none is due (bounded by the batch size per run), or until the host
    /// begins to stop: no new post starts then, the one in flight goes on until <paramref name="ct"/> cuts it.
    /// </summary>
    async Task<DeliveryRun> PostDueAsync(InboxDb db, CancellationToken ct)
    {
        int notified = 0, failed = 0;
        var lease = Deliveries.LeaseFor(_options);
        for (var posts = 0; posts < _options.BatchSize && !lifetime.ApplicationStopping.IsCancellationRequested; posts++)
        {
            var now = clock.NowForDatabase();
            var due = await Deliveries.LeaseNextDueAsync(db, now, now + lease, ct);
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
        if (notified + failed > 0)
            logger.LogInformation("Webhook delivery: {Notified} notified, {Failed} failed", notified, failed);
        return new DeliveryRun(notified, failed);
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
            logger.LogWarning(e, "Webhook delivery did not stop cleanly; an attempt it was posting is closed by the next instance");
        }
    }
}
