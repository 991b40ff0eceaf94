using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// Writes this instance's presence changes to the shared tables, then broadcasts what the whole service now
/// knows: a user goes offline only when no instance has a live socket of theirs, and <c>viewing</c> lists viewers on
/// every instance. Also refreshes this instance's rows every few seconds and expires the rows of instances that
/// stopped refreshing (crashed), announcing their users as offline. Runs on its own loop so the registry never waits
/// on the database.
/// </summary>
public sealed class PresenceWriter(
    PresenceChanges changes,
    ConnectionRegistry registry,
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

    /// <summary>Most joins written by one batch of statements.</summary>
    const int MaxJoinBatch = 500;

    /// <summary>
    /// Applies changes in queue order. Runs of joins (what a reconnect storm after a deploy is made of) are written
    /// together, a few statements per run instead of four per join; any other change first flushes the run before
    /// it, so each user's changes still land in the order they happened.
    /// </summary>
    async Task ApplyChangesAsync(CancellationToken ct)
    {
        var reader = changes.Queue.Reader;
        var joins = new List<UserJoined>();
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out var change))
                {
                    if (change is UserJoined joined)
                    {
                        joins.Add(joined);
                        if (joins.Count >= MaxJoinBatch) await FlushJoinsAsync(joins, ct);
                        continue;
                    }
                    await FlushJoinsAsync(joins, ct);
                    await ApplySafelyAsync(change, ct);
                }
                await FlushJoinsAsync(joins, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    async Task ApplySafelyAsync(PresenceChange change, CancellationToken ct)
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

    async Task FlushJoinsAsync(List<UserJoined> joins, CancellationToken ct)
    {
        if (joins.Count == 0) return;
        try
        {
            await ApplyJoinsAsync(joins, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not record {Count} joins", joins.Count);
        }
        finally
        {
            joins.Clear();
        }
    }

    /// <summary>
    /// A run of joins (one or more) as one: per user, the latest local count wins, and a user whose first local socket is among
    /// them comes back "online" unless another instance still holds them. Then one presence frame per user.
    /// </summary>
    async Task ApplyJoinsAsync(IReadOnlyList<UserJoined> joins, CancellationToken ct)
    {
        var latest = new Dictionary<Guid, UserJoined>();
        var firstSockets = new HashSet<Guid>();
        foreach (var joined in joins)
        {
            latest[joined.UserId] = joined;
            if (joined.LocalConnections == 1) firstSockets.Add(joined.UserId);
        }
        await using var db = database.Open();
        var now = clock.GetCurrentInstant();
        var liveSince = now - Liveness;
        if (firstSockets.Count > 0)
            await Data.ResetStatusUnlessLiveAsync(db, [.. firstSockets], liveSince, ct);
        await Data.SetJoinedConnectionsAsync(db, instance.Id, latest.Values, now, ct);
        await BroadcastPresenceAsync(db, [.. latest.Keys], liveSince, ct);
    }

    /// <summary>Every change but a join (joins go through <see cref="ApplyJoinsAsync"/>).</summary>
    async Task ApplyAsync(PresenceChange change, CancellationToken ct)
    {
        await using var db = database.Open();
        var now = clock.GetCurrentInstant();
        var liveSince = now - Liveness;
        switch (change)
        {
            case UserLeft left:
                await Data.SetConnectionsAsync(db, instance.Id, left.AccountId, left.UserId, left.LocalConnections, left.NowViewing, now, ct);
                if (left.LocalConnections == 0) await BroadcastPresenceAsync(db, [left.UserId], liveSince, ct);
                if (left.WasViewing is { } was) await BroadcastViewersAsync(db, left.AccountId, was, liveSince, ct);
                break;

            case StatusChosen chosen:
                await Data.SetStatusAsync(db, chosen.AccountId, chosen.UserId, chosen.Status, now, ct);
                await BroadcastPresenceAsync(db, [chosen.UserId], liveSince, ct);
                break;

            case ViewChanged viewed:
                await Data.SetConnectionsAsync(db, instance.Id, viewed.AccountId, viewed.UserId, registry.LocalConnectionsOf(viewed.UserId), viewed.UserViewing, now, ct);
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
        var gone = await Data.ExpireStaleAsync(db, now - Liveness, ct);
        if (gone.Count > 0) await BroadcastPresenceAsync(db, [.. gone], now - Liveness, ct);
    }

    /// <summary>One presence frame per user, to their own account, read in one statement whatever their number.</summary>
    async Task BroadcastPresenceAsync(InboxDb db, Guid[] userIds, Instant liveSince, CancellationToken ct)
    {
        foreach (var row in await Data.PresenceOfUsersAsync(db, userIds, liveSince, ct))
            registry.Broadcast(Target.Account(row.AccountId), FrameBytes.Of(new PresenceFrame(row.UserId, row.Status, row.LastSeenAt)));
    }

    async Task BroadcastViewersAsync(InboxDb db, Guid accountId, Guid conversationId, Instant liveSince, CancellationToken ct)
    {
        var viewers = await Data.ViewersAsync(db, accountId, conversationId, liveSince, ct);
        registry.Broadcast(Target.Account(accountId), FrameBytes.Of(new ViewingFrame(conversationId, viewers)));
    }
}
