using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Tasks.Sources;

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

    /// <summary>
    /// Slots the queue keeps once it is empty again. A burst (a hundred presence frames when a team connects at once)
    /// grows it; keeping that array for the life of an idle socket cost 2 KB per connection.
    /// </summary>
    const int RetainedQueueSlots = 16;

    readonly WebSocket _socket;
    readonly int _broadcastCapacity;
    readonly FrameRateLimit _rateLimit;
    readonly ILogger _logger;

    // The outbox: frames waiting for the send loop, oldest first. Guarded by locking it; counts of each kind against
    // their own bound. A plain queue and one reusable wake-up rather than a bounded Channel: the channel kept its grown
    // buffer and five operation objects per connection (~2.7 KB on an idle socket), and no second producer needs it.
    readonly Queue<Outgoing> _outbox = new();
    int _queuedBroadcasts;
    int _queuedReplies;
    bool _grown;
    /// <summary>Set by the first <see cref="Close"/>: what is queued is still sent, nothing more is queued.</summary>
    bool _closing;
    /// <summary>Set once the send loop has ended: nothing queued from then on would ever be sent.</summary>
    bool _sendingEnded;
    /// <summary>Whether the send loop waits on <see cref="_wakeSender"/> (set and cleared under the outbox lock).</summary>
    bool _senderWaiting;
    readonly Wakeup _wakeSender = new();
    /// <summary>The receive loop's wait for room for an answer (rare: a client pipelining 32 unread requests).</summary>
    TaskCompletionSource? _replyRoom;

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
    /// <summary>Conversations this connection receives events of, null until the first subscribe; guarded by the registry.</summary>
    public HashSet<Guid>? Subscriptions { get; set; }

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
    }

    readonly record struct Outgoing(byte[] Frame, bool IsReply);

    /// <summary>Queues a broadcast; never blocks. A full queue means a slow consumer: the connection is closed with 1008.</summary>
    public void Send(byte[] frame)
    {
        lock (_outbox)
        {
            if (_closing || _sendingEnded) return; // closing: nothing more is queued
            if (_queuedBroadcasts < _broadcastCapacity)
            {
                _queuedBroadcasts++;
                Enqueue(new Outgoing(frame, IsReply: false));
                if (TakeSender()) _wakeSender.Signal();
                return;
            }
        }
        _logger.LogWarning("Closing connection {ConnectionId} of user {UserId}: its send queue is full (slow consumer)", Id, UserId);
        Close(WebSocketCloseStatus.PolicyViolation, "slow consumer");
        // Its socket is not draining, so a close frame could not get through either: stop now. A send waiting on the
        // full TCP window fails at once, and the receive loop with it.
        _socket.Abort();
    }

    /// <summary>
    /// Queues an answer to the client's own frame, waiting (and so holding the receive loop) while
    /// <see cref="MaxQueuedReplies"/> answers are unsent. Throws <see cref="OperationCanceledException"/> once the
    /// connection can send nothing more.
    /// </summary>
    public ValueTask ReplyAsync(byte[] frame)
    {
        Task room;
        lock (_outbox)
        {
            if (_closing || _sendingEnded) return ValueTask.CompletedTask; // closing: dropped, as a broadcast would be
            if (_queuedReplies < MaxQueuedReplies)
            {
                // The common case: a free slot at once, without allocating.
                _queuedReplies++;
                Enqueue(new Outgoing(frame, IsReply: true));
                if (TakeSender()) _wakeSender.Signal();
                return ValueTask.CompletedTask;
            }
            room = (_replyRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        return WaitThenReplyAsync(frame, room);
    }

    async ValueTask WaitThenReplyAsync(byte[] frame, Task room)
    {
        await room; // cancelled when the send loop ends
        await ReplyAsync(frame);
    }

    /// <summary>Under the outbox lock.</summary>
    void Enqueue(Outgoing item)
    {
        _outbox.Enqueue(item);
        if (_outbox.Count > RetainedQueueSlots) _grown = true;
    }

    /// <summary>Under the outbox lock: whether the send loop waits and so must be woken (once) by the caller.</summary>
    bool TakeSender()
    {
        if (!_senderWaiting) return false;
        _senderWaiting = false;
        return true;
    }

    /// <summary>
    /// Asks the connection to close with <paramref name="status"/>: the send loop sends what is queued, then the close
    /// frame, and the client gets a moment to answer before the socket is aborted.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (!_closeRequested.TrySetResult()) return;
        lock (_outbox)
        {
            _closeStatus = (status, reason);
            _closing = true;
            if (TakeSender()) _wakeSender.Signal();
        }
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
        // A static callback with the connection as its state: no closure or delegate kept per connection.
        using var onShutdown = stopping.UnsafeRegister(static state => ((Connection)state!).Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down"), this);
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

    /// <summary>
    /// Reads frames until the client closes or leaves. One method (not a loop inside a wrapper): each async method
    /// waiting here is one more state machine held by every idle connection.
    /// </summary>
    async Task ReceiveLoopAsync(Func<Connection, ReadOnlyMemory<byte>, Task> onFrame, Action<Connection> onActivity)
    {
        try
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

    /// <summary>The one <c>rate_limited</c> error of a second, echoing the dropped frame's <c>ref</c> when it has a valid one.</summary>
    static byte[] RateLimitedFrame(ReadOnlySpan<byte> dropped)
    {
        ClientFrame.TryParse(dropped, out var frame, out _);
        return FrameBytes.Of(new ErrorFrame("rate_limited", "too many frames: this one and the others beyond the limit are dropped", frame.Ref));
    }

    async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                Outgoing item;
                ValueTask wait = default;
                var waiting = false;
                lock (_outbox)
                {
                    if (_outbox.TryDequeue(out item))
                    {
                        // Out of the queue: its room is free for the next one of its kind.
                        if (item.IsReply) _queuedReplies--;
                        else _queuedBroadcasts--;
                        if (_outbox.Count == 0 && _grown)
                        {
                            _outbox.TrimExcess(); // an emptied burst gives its array back
                            _grown = false;
                        }
                    }
                    else if (_closing) break;
                    else
                    {
                        _senderWaiting = true;
                        wait = _wakeSender.Arm();
                        waiting = true;
                    }
                }
                if (waiting)
                {
                    await wait;
                    continue;
                }
                if (item.IsReply) ReleaseReplyRoom();
                await _socket.SendAsync(item.Frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
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
            TaskCompletionSource? waiter;
            lock (_outbox)
            {
                _sendingEnded = true;
                _outbox.Clear();
                _outbox.TrimExcess();
                waiter = _replyRoom;
                _replyRoom = null;
            }
            waiter?.TrySetCanceled();
        }
    }

    /// <summary>An answer left the queue: a receive loop waiting for room may go on.</summary>
    void ReleaseReplyRoom()
    {
        TaskCompletionSource? waiter;
        lock (_outbox)
        {
            waiter = _replyRoom;
            _replyRoom = null;
        }
        waiter?.TrySetResult();
    }

    /// <summary>
    /// Wakes the send loop, its one waiter, without allocating per wait (a TaskCompletionSource would be one Task per
    /// wake-up). Armed under the outbox lock by the send loop, signalled once by whoever takes the waiting flag.
    /// </summary>
    sealed class Wakeup : IValueTaskSource
    {
        ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public ValueTask Arm()
        {
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }

        public void Signal() => _core.SetResult(true);

        void IValueTaskSource.GetResult(short token) => _core.GetResult(token);
        ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);
        void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
