using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Inbox.Features.Realtime;

/// <summary>
/// One WebSocket. One receive loop (this class) and one send loop draining a bounded queue, so no two writes ever
/// overlap. The queue holds two kinds of frames, each with its own bound:
/// <list type="bullet">
/// <item>answers to the client's own frames (<see cref="ReplyAsync"/>): when <see cref="MaxQueuedReplies"/> are
/// waiting, the receive loop waits too, so a client that pipelines requests is slowed down to the pace at which it
/// reads its answers (backpressure), never cut off;</item>
/// <item>broadcasts (<see cref="Send"/>), which must never wait: a connection with
/// <see cref="RealtimeOptions.SendQueueCapacity"/> of them unsent does not read what it is sent (a slow consumer)
/// and is closed with 1008 instead of growing memory or slowing anyone else down.</item>
/// </list>
/// </summary>
public sealed class Connection
{
    static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Answers that may wait to be sent before the receive loop stops reading the client's next frames.</summary>
    public const int MaxQueuedReplies = 32;

    readonly WebSocket _socket;
    readonly Channel<Outgoing> _outbox;
    readonly int _broadcastCapacity;
    int _queuedBroadcasts;
    readonly SemaphoreSlim _replySlots = new(MaxQueuedReplies, MaxQueuedReplies);
    readonly CancellationTokenSource _abortSending = new();
    /// <summary>Cancelled once the send loop has ended: nothing queued from then on would ever be sent.</summary>
    readonly CancellationTokenSource _sendingEnded = new();
    readonly FrameRateLimit _rateLimit;
    readonly ILogger _logger;
    /// <summary>Completed by the first <see cref="Close"/>: from then on the send loop has <see cref="CloseTimeout"/> to finish.</summary>
    readonly TaskCompletionSource _closeRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Stopwatch timestamp at which the frame being received started to arrive; 0 between frames.</summary>
    long _frameStartedAt;

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
    /// <summary>What this connection shows (the <c>view</c> frame); guarded by the registry.</summary>
    public Guid? Viewing { get; set; }
    /// <summary>Conversations this connection receives events of; guarded by the registry.</summary>
    public HashSet<Guid> Subscriptions { get; } = [];

    public Connection(WebSocket socket, Caller caller, RealtimeOptions options, Instant now, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        AccountId = caller.AccountId;
        UserId = caller.UserId!.Value;
        SessionId = caller.SessionId ?? Guid.Empty;
        UserName = caller.Name;
        LastSeen = now;
        _broadcastCapacity = options.SendQueueCapacity;
        _rateLimit = new FrameRateLimit(options.FramesPerSecond);
        // Both kinds are counted against their own bound before they are written, so the channel never fills.
        _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.SendQueueCapacity + MaxQueuedReplies)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    readonly record struct Outgoing(byte[] Frame, bool IsReply);

    /// <summary>Queues a broadcast; never blocks. A full queue means a slow consumer: the connection is closed with 1008.</summary>
    public void Send(byte[] frame)
    {
        if (Interlocked.Increment(ref _queuedBroadcasts) <= _broadcastCapacity)
        {
            if (!_outbox.Writer.TryWrite(new Outgoing(frame, IsReply: false))) Interlocked.Decrement(ref _queuedBroadcasts); // closing
            return;
        }
        Interlocked.Decrement(ref _queuedBroadcasts);
        if (_closeRequested.Task.IsCompleted) return;
        _logger.LogWarning("Closing connection {ConnectionId} of user {UserId}: its send queue is full (slow consumer)", Id, UserId);
        Close(WebSocketCloseStatus.PolicyViolation, "slow consumer");
        // Its socket is not draining, so a close frame could not get through either: stop sending now (this aborts it).
        _abortSending.Cancel();
    }

    /// <summary>
    /// Queues an answer to the client's own frame, waiting (and so holding the receive loop) while
    /// <see cref="MaxQueuedReplies"/> answers are unsent. Throws <see cref="OperationCanceledException"/> once the
    /// connection can send nothing more.
    /// </summary>
    public ValueTask ReplyAsync(byte[] frame)
    {
        // The common case takes a free slot at once, without allocating.
        if (_replySlots.Wait(0))
        {
            EnqueueReply(frame);
            return ValueTask.CompletedTask;
        }
        return WaitThenReplyAsync(frame);
    }

    async ValueTask WaitThenReplyAsync(byte[] frame)
    {
        await _replySlots.WaitAsync(_sendingEnded.Token);
        EnqueueReply(frame);
    }

    void EnqueueReply(byte[] frame)
    {
        if (!_outbox.Writer.TryWrite(new Outgoing(frame, IsReply: true))) _replySlots.Release(); // closing
    }

    /// <summary>
    /// Asks the connection to close with <paramref name="status"/>: the send loop sends what is queued, then the close
    /// frame, and the client gets a moment to answer before the socket is aborted.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (!_closeRequested.TrySetResult()) return;
        _closeStatus = (status, reason);
        _outbox.Writer.TryComplete();
    }

    (WebSocketCloseStatus Status, string Reason) _closeStatus = (WebSocketCloseStatus.NormalClosure, "");

    /// <summary>How long the frame now arriving has been incomplete (zero between frames), for <see cref="ConnectionRegistry.DropStalled"/>.</summary>
    public TimeSpan IncompleteFor
    {
        get
        {
            var started = Interlocked.Read(ref _frameStartedAt);
            return started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started);
        }
    }

    /// <summary>
    /// Runs both loops until the client leaves or the server closes the connection. As in ASP.NET Core's own WebSocket
    /// transport, when one loop ends the other gets <see cref="CloseTimeout"/> to finish, and then the socket is
    /// aborted. A close the server asks for (<see cref="Close"/>) starts the send loop's timeout as well: a client that
    /// stopped reading leaves a send waiting on its full TCP window, and without the timeout that send, and so the
    /// connection, would be held until TCP gives up (never, for a peer that is alive but does not read).
    /// </summary>
    public async Task RunAsync(Func<Connection, ReadOnlyMemory<byte>, Task> onFrame, Action<Connection> onActivity, CancellationToken stopping)
    {
        using var onShutdown = stopping.Register(() => Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down"));
        try
        {
            var receiving = ReceiveLoopAsync(onFrame, onActivity);
            var sending = SendLoopAsync();

            await Task.WhenAny(receiving, sending, _closeRequested.Task);
            Close(WebSocketCloseStatus.NormalClosure, "");
            // What is queued, then the close frame, within the timeout.
            if (!await EndsWithinCloseTimeoutAsync(sending)) _socket.Abort();
            // The close frame is out (or the socket is gone): the client gets the timeout to answer, then is cut off.
            if (!await EndsWithinCloseTimeoutAsync(receiving)) _socket.Abort();
            await Task.WhenAll(receiving, sending);
        }
        finally
        {
            _rateLimit.Dispose();
        }
    }

    static async Task<bool> EndsWithinCloseTimeoutAsync(Task loop)
    {
        using var timer = new CancellationTokenSource();
        var ended = await Task.WhenAny(loop, Task.Delay(CloseTimeout, timer.Token)) == loop;
        timer.Cancel();
        return ended;
    }

    async Task ReceiveLoopAsync(Func<Connection, ReadOnlyMemory<byte>, Task> onFrame, Action<Connection> onActivity)
    {
        try
        {
            await ReceiveFramesAsync(onFrame, onActivity);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away without a close handshake, the socket was aborted, or the connection ended while
            // an answer waited for room.
        }
        catch (Exception e)
        {
            // A bug, not the client: one error with its stack, and the connection ends as if the client had left.
            _logger.LogError(e, "The receive loop of connection {ConnectionId} failed", Id);
        }
        finally
        {
            Interlocked.Exchange(ref _frameStartedAt, 0);
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

            // From here the frame must arrive whole within RealtimeOptions.IncompleteFrameTimeout; the sweeper
            // closes connections whose frame stalls (an unfinished fragment, a length announced and never sent).
            Interlocked.Exchange(ref _frameStartedAt, Stopwatch.GetTimestamp());
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
                Interlocked.Exchange(ref _frameStartedAt, 0);

                if (result.MessageType == WebSocketMessageType.Close) return;
                if (length > RealtimeOptions.MaxFrameBytes)
                {
                    Close(WebSocketCloseStatus.MessageTooBig, "frames are limited to 16 KiB");
                    return;
                }

                onActivity(this);
                switch (_rateLimit.Check())
                {
                    case FrameVerdict.Drop:
                        continue;
                    case FrameVerdict.DropAndTell:
                        await ReplyAsync(RateLimitedFrame(buffer.AsSpan(0, length)));
                        continue;
                    case FrameVerdict.Flood:
                        _logger.LogInformation("Closing connection {ConnectionId} of user {UserId}: it kept sending at ten times its frame rate limit", Id, UserId);
                        Close(WebSocketCloseStatus.PolicyViolation, "too many frames");
                        return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await ReplyAsync(FrameBytes.Of(new ErrorFrame("bad_frame", "frames are JSON text frames", null)));
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

    /// <summary>The one <c>rate_limited</c> error of a second, echoing the dropped frame's <c>ref</c> when it has a valid one.</summary>
    static byte[] RateLimitedFrame(ReadOnlySpan<byte> dropped)
    {
        ClientFrame.TryParse(dropped, out var frame, out _);
        return FrameBytes.Of(new ErrorFrame("rate_limited", "too many frames: this one and the others beyond the limit are dropped", frame.Ref));
    }

    async Task SendLoopAsync()
    {
        var ct = _abortSending.Token;
        try
        {
            await foreach (var item in _outbox.Reader.ReadAllAsync(ct))
            {
                // Out of the queue: its room is free for the next one of its kind.
                if (item.IsReply) _replySlots.Release();
                else Interlocked.Decrement(ref _queuedBroadcasts);
                await _socket.SendAsync(item.Frame, WebSocketMessageType.Text, endOfMessage: true, ct);
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _socket.CloseOutputAsync(_closeStatus.Status, _closeStatus.Reason, timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            // A receive loop waiting for room for an answer must not wait for a send loop that is gone.
            _sendingEnded.Cancel();
        }
    }
}
