using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// Writes this instance's presence changes to the shared tables, then broadcasts what the whole service now
/// knows: a user goes offline only when no instance has a live socket of theirs, and <c>viewing</c> lists viewers on
/// every instance. Also refreshes this instance's rows every few seconds and expires the rows of instances that
/// stopped refreshing (crashed), announcing their users as offline. Runs on its own loop so the hub never waits
/// on the database.
/// </summary>
public sealed class PresenceWriter(
    PresenceChanges changes,
    Hub hub,
    RealtimeInstance instance,
    InboxDatabase database,
    DatabaseReadiness readiness,
    IOptions<RealtimeOptions> options,
    IClock clock,
    ILogger<PresenceWriter> logger) : BackgroundService
{
    Duration Liveness => Duration.FromSeconds(2 * options.Value.HeartbeatSeconds);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ApplyChangesAsync(stoppingToken), RefreshLoopAsync(stoppingToken));

    async Task ApplyChangesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var change in changes.Queue.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await ApplyAsync(change, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Could not record a {Change} of user {UserId}", change.GetType().Name, change.UserId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task ApplyAsync(PresenceChange change, CancellationToken ct)
    {
        await using var db = database.Open();
        var now = clock.GetCurrentInstant();
        var liveSince = now - Liveness;
        switch (change)
        {
            case UserJoined joined:
                if (joined.LocalConnections == 1 && await Data.LiveInstancesAsync(db, joined.UserId, liveSince, ct) == 0)
                    await Data.ResetStatusAsync(db, joined.UserId, ct);
                await Data.SetConnectionsAsync(db, instance.Id, joined.AccountId, joined.UserId, joined.LocalConnections, null, now, ct);
                await BroadcastPresenceAsync(db, joined.AccountId, joined.UserId, liveSince, ct);
                break;

            case UserLeft left:
                await Data.SetConnectionsAsync(db, instance.Id, left.AccountId, left.UserId, left.LocalConnections, left.NowViewing, now, ct);
                if (left.LocalConnections == 0) await BroadcastPresenceAsync(db, left.AccountId, left.UserId, liveSince, ct);
                if (left.WasViewing is { } was) await BroadcastViewersAsync(db, left.AccountId, was, liveSince, ct);
                break;

            case StatusChosen chosen:
                await Data.SetStatusAsync(db, chosen.AccountId, chosen.UserId, chosen.Status, now, ct);
                await BroadcastPresenceAsync(db, chosen.AccountId, chosen.UserId, liveSince, ct);
                break;

            case ViewChanged viewed:
                await Data.SetConnectionsAsync(db, instance.Id, viewed.AccountId, viewed.UserId, hub.LocalConnectionsOf(viewed.UserId), viewed.UserViewing, now, ct);
                if (viewed.Before is { } before) await BroadcastViewersAsync(db, viewed.AccountId, before, liveSince, ct);
                if (viewed.After is { } after) await BroadcastViewersAsync(db, viewed.AccountId, after, liveSince, ct);
                break;
        }
    }

    async Task RefreshLoopAsync(CancellationToken ct)
    {
        // Well inside the liveness window, so a live instance's rows never look stale.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.HeartbeatSeconds / 3)));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (readiness.Migrated) await RefreshOnceAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Presence refresh failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Refreshes this instance's rows and expires those of instances that stopped (tests call it directly).</summary>
    public async Task RefreshOnceAsync(CancellationToken ct)
    {
        await using var db = database.Open();
        var now = clock.GetCurrentInstant();
        await Data.RefreshInstanceAsync(db, instance.Id, now, ct);
        foreach (var gone in await Data.ExpireStaleAsync(db, now - Liveness, ct))
            await BroadcastPresenceAsync(db, gone.AccountId, gone.UserId, now - Liveness, ct);
    }

    async Task BroadcastPresenceAsync(InboxDb db, Guid accountId, Guid userId, Instant liveSince, CancellationToken ct)
    {
        var rows = await Data.PresenceOfAsync(db, accountId, userId, liveSince, ct);
        if (rows is [var row])
            hub.Broadcast(Target.Account(accountId), FrameBytes.Of(new PresenceFrame(row.UserId, row.Status, row.LastSeenAt)));
    }

    async Task BroadcastViewersAsync(InboxDb db, Guid accountId, Guid conversationId, Instant liveSince, CancellationToken ct)
    {
        var viewers = await Data.ViewersAsync(db, accountId, conversationId, liveSince, ct);
        hub.Broadcast(Target.Account(accountId), FrameBytes.Of(new ViewingFrame(conversationId, viewers)));
    }
}
