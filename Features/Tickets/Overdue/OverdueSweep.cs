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
/// ticket and each endpoint of its account that has not heard of it within 24 h, and hands each claimed pair's
/// <c>ticket.overdue</c> event to the webhook engine (<see cref="WebhookOutbox"/>), which posts it. Nothing is
/// decided in memory: windows are rows, so several instances and the cron trigger can run it at the same moment
/// and each pair is claimed once.
/// </summary>
public sealed class OverdueSweep(
    IServiceScopeFactory scopes,
    DatabaseReadiness readiness,
    IClock clock,
    WebhookDispatcher dispatcher,
    IOptions<WebhookOptions> options,
    DatabaseOutage outage,
    ILogger<OverdueSweep> logger) : BackgroundService
{
    /// <summary>At most one notification per (ticket, endpoint) in this long.</summary>
    public static readonly Duration Window = Duration.FromHours(24);

    readonly WebhookOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval);
        while (true)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(stoppingToken)) return;
                if (!readiness.Migrated) continue;
                // The engine's own loop posts what was claimed, so this loop never holds a post.
                if (await ClaimAsync(stoppingToken) > 0) dispatcher.Wake();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // An exception escaping ExecuteAsync would stop the host; the next tick tries again.
                outage.LogFailure(logger, e, $"Overdue sweep failed; next run in {_options.SweepInterval}");
            }
        }
    }

    /// <summary>
    /// One whole run: the claims, then every due post (the engine's run, with its retention), counted. Tests and
    /// the cron trigger call it directly, and get the outcome of the posts.
    /// </summary>
    public async Task<SweepResult> RunOnceAsync(CancellationToken ct)
    {
        var (candidates, skipped) = await SelectAndClaimAsync(ct);
        var (notified, failed) = await dispatcher.RunOnceAsync(ct);
        return new SweepResult(candidates, notified, failed, skipped);
    }

    async Task<int> ClaimAsync(CancellationToken ct)
    {
        var (candidates, skipped) = await SelectAndClaimAsync(ct);
        return candidates - skipped;
    }

    async Task<(int Checked, int Skipped)> SelectAndClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InboxDb>();
        var now = clock.NowForDatabase();
        await Data.DeleteClosedWindowsAsync(db, now - _options.Retention, ct);

        var windowOpenAfter = now - Window;
        var candidates = await Data.FindCandidatesAsync(db, now, windowOpenAfter, _options.BatchSize, ct);
        var skipped = 0;
        foreach (var pair in candidates)
            if (!await TryClaimAsync(db, pair, now, windowOpenAfter, ct))
                skipped++;
        if (candidates.Count > 0)
            logger.LogInformation("Overdue sweep: {Checked} checked, {Skipped} skipped", candidates.Count, skipped);
        return (candidates.Count, skipped);
    }

    /// <summary>
    /// The window and its event in one transaction: the window row stays locked until the event is queued, so a
    /// concurrent claim of the same pair waits and then finds the window taken.
    /// </summary>
    static async Task<bool> TryClaimAsync(InboxDb db, Candidate pair, Instant now, Instant windowOpenAfter, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        if (!await Data.TryClaimWindowAsync(db, pair, now, windowOpenAfter, ct)) return false;
        var payload = WebhookPayload.Serialize(pair.Ticket, pair.Assignee, now);
        // The window names this occurrence: the same pair is raised again only in a later window.
        var dedupKey = $"{WebhookEvents.TicketOverdue}/{pair.Id}/{now.ToUnixTimeTicks()}";
        await WebhookOutbox.EnqueueAsync(db, new WebhookEvent(pair.AccountId, WebhookEvents.TicketOverdue, payload, dedupKey, pair.Id), pair.EndpointId, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
