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
    static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    readonly Hub _hub;
    readonly RealtimeInstance _instance;
    readonly InboxDatabase _database;
    readonly DatabaseReadiness _readiness;
    readonly IClock _clock;
    readonly ILogger<Backplane> _logger;
    readonly Channel<(Target Target, byte[] Frame)> _outgoing = System.Threading.Channels.Channel.CreateBounded<(Target, byte[])>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    readonly Channel<string> _incoming = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    volatile bool _hasPeers;

    public Backplane(Hub hub, RealtimeInstance instance, InboxDatabase database, DatabaseReadiness readiness, IClock clock, ILogger<Backplane> logger)
    {
        _hub = hub;
        _instance = instance;
        _database = database;
        _readiness = readiness;
        _clock = clock;
        _logger = logger;
        hub.Broadcasting += (target, frame) =>
        {
            if (_hasPeers) _outgoing.Writer.TryWrite((target, frame));
        };
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
                _logger.LogWarning(e, "Realtime peer check failed");
            }
        } while (await WaitAsync(timer, ct));
    }

    async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.DataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => _incoming.Writer.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested)
                    await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Realtime LISTEN connection lost; reconnecting");
                await Task.Delay(ReconnectDelay, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    async Task SendAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (target, frame) in _outgoing.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await NotifyAsync(target, frame, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Could not hand a frame to the other instances");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    async Task NotifyAsync(Target target, byte[] frame, CancellationToken ct)
    {
        await using var db = _database.Open();
        var payload = Envelope(target, frame, null);
        if (Encoding.UTF8.GetByteCount(payload) > MaxInlinePayloadBytes)
        {
            var id = Guid.CreateVersion7();
            await Data.StorePayloadAsync(db, id, frame, _clock.GetCurrentInstant(), ct);
            payload = Envelope(target, null, id);
        }
        await using var command = _database.DataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(ct);
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

        if (frame is not null) _hub.DeliverLocal(target, frame);
    }

    /// <summary>
    /// On a clean stop, leaves the instance list at once, so a lone successor does not take this instance for a live
    /// peer (and relay every frame through PostgreSQL) until the entry expires.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var db = _database.Open();
            await Data.LeaveInstancesAsync(db, _instance.Id, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not remove this instance from realtime_instances; it expires within a minute");
        }
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
