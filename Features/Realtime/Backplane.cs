using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;

namespace Inbox.Features.Realtime;

/// <summary>
/// Carries frames between instances that share the database, over PostgreSQL's LISTEN/NOTIFY on one channel, so
/// every subscriber gets every event whichever instance it is connected to. A NOTIFY payload holds the target and
/// the frame itself; a frame too large for NOTIFY's 8000-byte limit is parked in <c>realtime_payloads</c> and
/// announced by id. An instance that knows no live peer sends nothing at all, so a single instance pays only a
/// periodic peer check.
/// </summary>
public sealed class Backplane : BackgroundService
{
    public const string Channel = "inbox_realtime";
    const int MaxInlinePayloadBytes = 7900;
    static readonly TimeSpan PeerCheckInterval = TimeSpan.FromSeconds(2);
    static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(2);
    static readonly TimeSpan ListenProbeInterval = TimeSpan.FromSeconds(15);
    const int ListenProbeTimeoutSeconds = 5;
    /// <summary>Tries of one NOTIFY (waits of 100, 200, 400 ms between them): bounded, so one frame never holds the others for long.</summary>
    const int NotifyAttempts = 4;
    /// <summary>How long a clean stop may spend leaving the instance list; the host's own shutdown budget is not ours to spend.</summary>
    static readonly TimeSpan StopCleanupTimeout = TimeSpan.FromSeconds(2);
    public const string ResyncReason = "backplane_reconnected";
    /// <summary>Another instance could not hand over some of its events.</summary>
    public const string PeersMissedReason = "backplane_send_failed";
    /// <summary>This instance dropped notifications it could not keep up with.</summary>
    public const string OverflowReason = "backplane_overflow";

    readonly ConnectionRegistry _registry;
    readonly RealtimeInstance _instance;
    readonly InboxDatabase _database;
    readonly DatabaseReadiness _readiness;
    readonly IClock _clock;
    readonly ILogger<Backplane> _logger;
    readonly Channel<(Target Target, byte[] Frame)> _outgoing;
    readonly Channel<string> _incoming;
    volatile bool _hasPeers;
    /// <summary>Set when a frame meant for the other instances was lost (queue overflow, NOTIFY given up): they are told to resync.</summary>
    int _peersMissedFrames;
    /// <summary>Set when a notification from the other instances was dropped here (queue overflow): this instance's connections resync.</summary>
    int _missedNotifications;

    public Backplane(ConnectionRegistry registry, RealtimeInstance instance, InboxDatabase database, DatabaseReadiness readiness, IClock clock, ILogger<Backplane> logger)
    {
        _registry = registry;
        _instance = instance;
        _database = database;
        _readiness = readiness;
        _clock = clock;
        _logger = logger;
        // Both queues are bounded and drop their oldest item when full; a dropped item is a lost event, so it is
        // noted and turned into a resync rather than lost silently.
        _outgoing = System.Threading.Channels.Channel.CreateBounded<(Target, byte[])>(
            new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Volatile.Write(ref _peersMissedFrames, 1));
        _incoming = System.Threading.Channels.Channel.CreateBounded<string>(
            new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Volatile.Write(ref _missedNotifications, 1));
    }

    /// <summary>
    /// Queues a frame this instance broadcast for the other instances; subscribed to
    /// <see cref="ConnectionRegistry.Broadcasting"/> in <see cref="RealtimeSetup"/>. Never waits: with no live peer
    /// the frame goes nowhere, and a full queue drops its oldest frame and tells the peers to resync.
    /// </summary>
    public void Forward(Target target, byte[] frame)
    {
        if (_hasPeers) _outgoing.Writer.TryWrite((target, frame));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_readiness.Migrated)
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken), ReceiveAsync(stoppingToken), WatchPeersAsync(stoppingToken));
    }

    /// <summary>Registers this instance and learns whether any other is alive (tests call it to skip the wait).</summary>
    public async Task RefreshPeersAsync(CancellationToken ct)
    {
        await using var db = _database.Open();
        var now = _clock.GetCurrentInstant();
        await Data.RefreshInstanceAsync(db, _instance.Id, now, ct);
        _hasPeers = await Data.OtherLiveInstancesAsync(db, _instance.Id, now - Duration.FromMinutes(1), ct) > 0;
    }

    async Task WatchPeersAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(PeerCheckInterval);
        do
        {
            try
            {
                await RefreshPeersAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning("Realtime peer check failed: {Error}", e.GetBaseException().Message);
            }
        } while (await WaitAsync(timer, ct));
    }

    /// <summary>The PostgreSQL backend that holds this instance's LISTEN, or null while it is not listening (tests cut it).</summary>
    public int? ListenerProcessId => Volatile.Read(ref _listenerProcessId) is var pid and not 0 ? pid : null;

    int _listenerProcessId;

    /// <summary><c>application_name</c> of the LISTEN connection, so an operator (or a test) can tell whose it is.</summary>
    public string ListenerApplicationName => $"inbox-realtime-{_instance.Id}";

    /// <summary>The pool's bounded waits and keepalives (a dead server is found on this idle connection), unpooled and named.</summary>
    string ListenConnectionString() => new NpgsqlConnectionStringBuilder(InboxDatabase.WithBoundedWaits(_database.ConnectionString))
    {
        Pooling = false,
        ApplicationName = ListenerApplicationName,
    }.ConnectionString;

    /// <summary>
    /// Holds the LISTEN connection, reconnecting at once when it is lost (100 ms, doubling up to 2 s while the
    /// database stays away). Whatever was notified while nobody listened is gone for good, so once it listens again
    /// every local connection gets <c>resync</c> and catches up over HTTP.
    /// </summary>
    async Task ListenAsync(CancellationToken ct)
    {
        var lost = false;
        var delay = MinReconnectDelay;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Its own unpooled connection, named in the connection string: the pool's connections keep no
                // session state between uses (InboxDatabase sets No Reset On Close), and a LISTEN is session state.
                await using var connection = new NpgsqlConnection(ListenConnectionString());
                connection.Notification += (_, e) => _incoming.Writer.TryWrite(e.Payload);
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                Volatile.Write(ref _listenerProcessId, connection.ProcessID);
                delay = MinReconnectDelay;
                if (lost)
                {
                    lost = false;
                    var told = _registry.Resync(ResyncReason);
                    _logger.LogInformation("Realtime LISTEN restored; told {Connections} connections to resync", told);
                }
                while (!ct.IsCancellationRequested)
                {
                    // A link that dies without a word (a network partition, a frozen server) would hold this wait
                    // forever and never resync: after a quiet while, a probe with a short timeout proves it alive.
                    // The probe is the LISTEN itself (a no-op when already listening), so the backend keeps showing
                    // `LISTEN inbox_realtime` in pg_stat_activity for whoever looks for it.
                    if (await connection.WaitAsync(ListenProbeInterval, ct)) continue;
                    await using var probe = new NpgsqlCommand($"LISTEN {Channel}", connection) { CommandTimeout = ListenProbeTimeoutSeconds };
                    await probe.ExecuteNonQueryAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Volatile.Write(ref _listenerProcessId, 0);
                // One line, no stack: losing the link is an expected event (a failover, a restart), and it is retried.
                if (!lost) _logger.LogWarning("Realtime LISTEN connection lost ({Error}); reconnecting", e.Message);
                lost = true;
                await Task.Delay(delay, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
            }
        }
    }

    async Task SendAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (target, frame) in _outgoing.Reader.ReadAllAsync(ct))
            {
                if (Volatile.Read(ref _peersMissedFrames) != 0 && await TryNotifyAsync(ResyncEnvelope(PeersMissedReason), ct))
                    Volatile.Write(ref _peersMissedFrames, 0);
                if (!await TryNotifyAsync(Envelope(target, frame, null), frame, target, ct))
                    Volatile.Write(ref _peersMissedFrames, 1);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    Task<bool> TryNotifyAsync(string payload, CancellationToken ct) => TryNotifyAsync(payload, null, default, ct);

    /// <summary>
    /// A failed NOTIFY (a dropped pooled connection, a failover) is tried again a few times within about a second
    /// before the frame is given up with a warning; frames behind it wait meanwhile, which keeps their order. A
    /// frame given up is not lost silently: the other instances are told to resync once NOTIFY works again.
    /// </summary>
    async Task<bool> TryNotifyAsync(string payload, byte[]? frame, Target target, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await NotifyAsync(payload, frame, target, ct);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < NotifyAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning("Could not hand a frame to the other instances after {Attempts} attempts: {Error}", attempt, e.Message);
                return false;
            }
        }
    }

    async Task NotifyAsync(string payload, byte[]? frame, Target target, CancellationToken ct)
    {
        if (frame is not null && Encoding.UTF8.GetByteCount(payload) > MaxInlinePayloadBytes)
        {
            await using var db = _database.Open();
            var id = Guid.CreateVersion7();
            await Data.StorePayloadAsync(db, id, frame, _clock.GetCurrentInstant(), ct);
            payload = Envelope(target, null, id);
        }
        await using var command = _database.DataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Tells the other instances to send <c>resync</c> to all their connections.</summary>
    string ResyncEnvelope(string reason)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("o", _instance.Id);
            writer.WriteString("r", reason);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    string Envelope(Target target, byte[]? frame, Guid? storedId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("o", _instance.Id);
            writer.WriteNumber("k", (int)target.Kind);
            writer.WriteString("a", target.AccountId);
            writer.WriteString("key", target.Key);
            if (target.ExceptUser is { } except) writer.WriteString("x", except);
            if (storedId is { } id) writer.WriteString("p", id);
            if (frame is not null)
            {
                writer.WritePropertyName("f");
                writer.WriteRawValue(frame, skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    async Task ReceiveAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var payload in _incoming.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await DeliverAsync(payload, ct);
                    if (Interlocked.Exchange(ref _missedNotifications, 0) != 0)
                    {
                        _logger.LogWarning("Realtime notifications arrived faster than they could be delivered; some were dropped, connections resync");
                        _registry.Resync(OverflowReason);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Dropped a malformed realtime notification");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    async Task DeliverAsync(string payload, CancellationToken ct)
    {
        using var envelope = JsonDocument.Parse(payload);
        var root = envelope.RootElement;
        if (root.GetProperty("o").GetGuid() == _instance.Id) return;
        if (root.TryGetProperty("r", out var resync))
        {
            _registry.Resync(resync.GetString() ?? PeersMissedReason);
            return;
        }

        var target = new Target(
            (TargetKind)root.GetProperty("k").GetInt32(),
            root.GetProperty("a").GetGuid(),
            root.GetProperty("key").GetGuid(),
            root.TryGetProperty("x", out var except) ? except.GetGuid() : null);

        byte[]? frame;
        if (root.TryGetProperty("p", out var stored))
        {
            await using var db = _database.Open();
            frame = await Data.LoadPayloadAsync(db, stored.GetGuid(), ct);
        }
        else
        {
            frame = Encoding.UTF8.GetBytes(root.GetProperty("f").GetRawText());
        }

        if (frame is not null) _registry.DeliverLocal(target, frame);
    }

    /// <summary>
    /// On a clean stop, leaves the instance list at once, so a lone successor does not take this instance for a live
    /// peer (and relay every frame through PostgreSQL) until the entry expires. Never throws: the host may already
    /// have given up on stopping (its token cancelled), and an exception here would end the process abnormally. The
    /// cleanup has its own short timeout instead of the host's token, and failing it only costs the minute the entry
    /// takes to expire.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Realtime backplane did not stop cleanly: {Error}", e.Message);
        }
        try
        {
            // Npgsql honours the token only as far as the server answers; the outer wait bounds even a hung one.
            using var timeout = new CancellationTokenSource(StopCleanupTimeout);
            await LeaveAsync(timeout.Token).WaitAsync(StopCleanupTimeout + TimeSpan.FromMilliseconds(500), CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Could not remove this instance from realtime_instances ({Error}); it expires within a minute", e.Message);
        }
    }

    async Task LeaveAsync(CancellationToken ct)
    {
        await using var db = _database.Open();
        await Data.LeaveInstancesAsync(db, _instance.Id, ct);
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
