using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Inbox.Features.Realtime;

/// <summary>
/// One WebSocket. One receive loop (this class) and one send loop draining a bounded queue, so no two writes ever
/// overlap and a slow reader costs at most <see cref="RealtimeOptions.SendQueueCapacity"/> queued frames: when its
/// queue is full it is closed with 1008 instead of growing memory or slowing anyone else down.
/// </summary>
public sealed class Connection
{
    static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    readonly WebSocket _socket;
    readonly Channel<byte[]> _outbox;
    readonly CancellationTokenSource _abortSending = new();
    readonly ILogger _logger;
    int _closeRequested;

    public Guid Id { get; } = Guid.CreateVersion7();
    public Guid AccountId { get; }
    public Guid UserId { get; }
    public Guid SessionId { get; }
    public string UserName { get; }
    /// <summary>Last time anything arrived from the client, for the heartbeat check.</summary>
    public Instant LastSeen
    {
        // Written by the receive loop, read by the sweeper: kept as one long so a read is never torn.
        get => Instant.FromUnixTimeTicks(Interlocked.Read(ref _lastSeenTicks));
        set => Interlocked.Exchange(ref _lastSeenTicks, value.ToUnixTimeTicks());
    }

    long _lastSeenTicks;
    /// <summary>What this connection shows (the <c>view</c> frame); guarded by the hub.</summary>
    public Guid? Viewing { get; set; }
    /// <summary>Conversations this connection receives events of; guarded by the hub.</summary>
    public HashSet<Guid> Subscriptions { get; } = [];

    public Connection(WebSocket socket, Caller caller, int queueCapacity, Instant now, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        AccountId = caller.AccountId;
        UserId = caller.UserId!.Value;
        SessionId = caller.SessionId ?? Guid.Empty;
        UserName = caller.Name;
        LastSeen = now;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Queues a frame; never blocks. A full queue means a slow consumer: the connection is closed with 1008.</summary>
    public void Send(byte[] frame)
    {
        if (_outbox.Writer.TryWrite(frame) || Volatile.Read(ref _closeRequested) != 0) return;
        _logger.LogWarning("Closing connection {ConnectionId} of user {UserId}: its send queue is full (slow consumer)", Id, UserId);
        Close(WebSocketCloseStatus.PolicyViolation, "slow consumer");
        // Its socket is not draining, so a close frame could not get through either: stop sending now (this aborts it).
        _abortSending.Cancel();
    }

    /// <summary>
    /// Asks the connection to close with <paramref name="status"/>: the send loop sends what is queued, then the close
    /// frame, and the client gets a moment to answer before the socket is aborted.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0) return;
        _closeStatus = (status, reason);
        _outbox.Writer.TryComplete();
    }

    (WebSocketCloseStatus Status, string Reason) _closeStatus = (WebSocketCloseStatus.NormalClosure, "");

    /// <summary>Runs both loops until the client leaves or the server closes the connection.</summary>
    public async Task RunAsync(Func<Connection, ReadOnlyMemory<byte>, Task> onFrame, Action<Connection> onActivity, CancellationToken stopping)
    {
        using var onShutdown = stopping.Register(() => Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down"));
        var receiving = ReceiveLoopAsync(onFrame, onActivity);
        var sending = SendLoopAsync();

        await Task.WhenAny(receiving, sending);
        Close(WebSocketCloseStatus.NormalClosure, "");
        await sending;
        // The close frame is out (or the socket is gone): wait briefly for the client's answer, then cut it off.
        if (await Task.WhenAny(receiving, Task.Delay(CloseTimeout, CancellationToken.None)) != receiving) _socket.Abort();
        await receiving;
    }

    async Task ReceiveLoopAsync(Func<Connection, ReadOnlyMemory<byte>, Task> onFrame, Action<Connection> onActivity)
    {
        try
        {
            await ReceiveFramesAsync(onFrame, onActivity);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away without a close handshake, or the socket was aborted.
        }
    }

    async Task ReceiveFramesAsync(Func<Connection, ReadOnlyMemory<byte>, Task> onFrame, Action<Connection> onActivity)
    {
        while (true)
        {
            // Wait for the next frame with a zero-byte read, so an idle connection holds no receive buffer (most
            // connections are idle most of the time); a frame's buffer is rented only while it is read and handled.
            var next = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
            if (next.MessageType == WebSocketMessageType.Close) return;

            // One byte larger than a frame may be, so an oversized frame is seen at once.
            var buffer = ArrayPool<byte>.Shared.Rent(RealtimeOptions.MaxFrameBytes + 1);
            try
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length > RealtimeOptions.MaxFrameBytes)
                    {
                        Close(WebSocketCloseStatus.MessageTooBig, "frames are limited to 16 KiB");
                        return;
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, RealtimeOptions.MaxFrameBytes + 1 - length), CancellationToken.None);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close) return;
                if (length > RealtimeOptions.MaxFrameBytes)
                {
                    Close(WebSocketCloseStatus.MessageTooBig, "frames are limited to 16 KiB");
                    return;
                }

                onActivity(this);
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Send(FrameBytes.Of(new ErrorFrame("bad_frame", "frames are JSON text frames", null)));
                    continue;
                }
                // The handler reads what it needs from the bytes before its first await (ClientFrame.TryParse).
                await onFrame(this, buffer.AsMemory(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    async Task SendLoopAsync()
    {
        var ct = _abortSending.Token;
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(ct))
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, ct);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _socket.CloseOutputAsync(_closeStatus.Status, _closeStatus.Reason, timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }
}
