using System.Net.WebSockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// The registry of this instance's live connections, and of who listens to what: subscriptions per conversation,
/// connections per account, user and session, presence per user, typing and viewing state. A DI singleton. One lock
/// guards the maps; it is held only to read or change them, never while sending (sending only queues bytes).
/// </summary>
public sealed class ConnectionRegistry(IClock clock, PresenceChanges presenceChanges, IOptions<RealtimeOptions> options, ILogger<ConnectionRegistry> logger)
{
    readonly Duration _typingRelayInterval = Duration.FromTimeSpan(options.Value.TypingRelayInterval);

    /// <summary>Raised for every frame this instance broadcasts, so the backplane can hand it to the other instances (wired in <see cref="RealtimeSetup"/>).</summary>
    public event Action<Target, byte[]>? Broadcasting;

    readonly Lock _gate = new();
    readonly Dictionary<Guid, Connection> _connections = [];
    readonly Dictionary<Guid, HashSet<Connection>> _subscribers = [];
    readonly Dictionary<Guid, HashSet<Connection>> _byAccount = [];
    /// <summary>This instance's connections per user (present users only): a count in place, no object per user.</summary>
    readonly Dictionary<Guid, int> _presence = [];
    readonly Dictionary<(Guid Conversation, Guid User), TypingState> _typing = [];

    /// <summary>
    /// A user's typing in one conversation on this instance: whether a relayed <c>start</c> holds (until
    /// <see cref="Until"/>), and when the last <c>start</c> was relayed, for the relay interval. An entry lives until
    /// both are over, so the map holds only users who typed within the last few seconds.
    /// </summary>
    sealed class TypingState(string name, Guid account)
    {
        public string Name { get; } = name;
        public Guid Account { get; } = account;
        public Instant? Until;
        public Instant LastStartRelayed;
    }

    /// <summary>Registers a new connection; the presence writer records it and tells the account the user is online.</summary>
    public void Join(Connection connection)
    {
        int local;
        lock (_gate)
        {
            _connections[connection.Id] = connection;
            Set(_byAccount, connection.AccountId).Add(connection);
            local = ++CollectionsMarshal.GetValueRefOrAddDefault(_presence, connection.UserId, out _);
        }
        Record(new UserJoined(connection.AccountId, connection.UserId, local));
    }

    /// <summary>Forgets a connection: its subscriptions, its viewing, its typing when it was the user's last here.</summary>
    public void Leave(Connection connection)
    {
        List<TypingFrame> stoppedTyping = [];
        int local;
        Guid? wasViewing, nowViewing;
        lock (_gate)
        {
            if (!_connections.Remove(connection.Id)) return;
            _byAccount.GetValueOrDefault(connection.AccountId)?.Remove(connection);
            foreach (var conversation in connection.Subscriptions ?? [])
                _subscribers.GetValueOrDefault(conversation)?.Remove(connection);
            wasViewing = connection.Viewing;
            connection.Viewing = null;
            nowViewing = ViewingOfUser(connection.AccountId, connection.UserId);

            local = --CollectionsMarshal.GetValueRefOrAddDefault(_presence, connection.UserId, out _);
            if (local == 0)
            {
                _presence.Remove(connection.UserId);
                foreach (var key in _typing.Keys.Where(k => k.User == connection.UserId).ToList())
                {
                    if (_typing[key].Until is not null) stoppedTyping.Add(new TypingFrame(key.Conversation, key.User, _typing[key].Name, "stop"));
                    _typing.Remove(key);
                }
            }
        }
        Record(new UserLeft(connection.AccountId, connection.UserId, local, wasViewing, nowViewing));
        foreach (var stop in stoppedTyping) Broadcast(Target.Subscribers(connection.AccountId, stop.ConversationId, stop.UserId), FrameBytes.Of(stop));
    }

    public void Subscribe(Connection connection, Guid conversationId)
    {
        lock (_gate)
        {
            if (!_connections.ContainsKey(connection.Id)) return;
            (connection.Subscriptions ??= []).Add(conversationId);
            Set(_subscribers, conversationId).Add(connection);
        }
    }

    public void Unsubscribe(Connection connection, Guid conversationId)
    {
        lock (_gate)
        {
            connection.Subscriptions?.Remove(conversationId);
            _subscribers.GetValueOrDefault(conversationId)?.Remove(connection);
        }
    }

    public bool IsSubscribed(Connection connection, Guid conversationId)
    {
        lock (_gate) return connection.Subscriptions?.Contains(conversationId) == true;
    }

    /// <summary>
    /// A <c>start</c> holds for <see cref="RealtimeOptions.TypingExpiry"/> unless refreshed; <see cref="ExpireTyping"/>
    /// turns a stale one into a <c>stop</c>. A <c>start</c> is relayed at most once per
    /// <see cref="RealtimeOptions.TypingRelayInterval"/> per user and conversation (one relayed start, then refreshes
    /// that only extend it), and a <c>stop</c> only ends a relayed <c>start</c>: a client that floods typing frames
    /// costs the other subscribers at most one start and one stop per interval.
    /// </summary>
    public void Typing(Connection connection, Guid conversationId, bool typing)
    {
        var now = clock.GetCurrentInstant();
        bool relay;
        lock (_gate)
        {
            var key = (conversationId, connection.UserId);
            _typing.TryGetValue(key, out var state);
            if (typing)
            {
                if (state is not null && now - state.LastStartRelayed < _typingRelayInterval)
                {
                    // Within the interval: a start that holds is kept alive; one that was stopped stays stopped until the interval is over.
                    if (state.Until is not null) state.Until = now + RealtimeOptions.TypingExpiry;
                    return;
                }
                state ??= _typing[key] = new TypingState(connection.UserName, connection.AccountId);
                state.Until = now + RealtimeOptions.TypingExpiry;
                state.LastStartRelayed = now;
                relay = true;
            }
            else
            {
                relay = state?.Until is not null;
                if (state is not null) state.Until = null;
            }
        }
        if (relay)
            Broadcast(Target.Subscribers(connection.AccountId, conversationId, connection.UserId),
                FrameBytes.Of(new TypingFrame(conversationId, connection.UserId, connection.UserName, typing ? "start" : "stop")));
    }

    public void SetStatus(Connection connection, string status) =>
        Record(new StatusChosen(connection.AccountId, connection.UserId, status));

    /// <summary>Which conversation the connection shows; the account hears who now looks at the old and the new one.</summary>
    public void View(Connection connection, Guid? conversationId)
    {
        Guid? before, userViewing;
        lock (_gate)
        {
            before = connection.Viewing;
            if (before == conversationId) return;
            connection.Viewing = conversationId;
            userViewing = ViewingOfUser(connection.AccountId, connection.UserId);
        }
        Record(new ViewChanged(connection.AccountId, connection.UserId, before, conversationId, userViewing));
    }

    /// <summary>
    /// Turns typing starts older than the expiry into broadcast stops, and forgets entries whose start has ended and
    /// whose relay interval is over. Called every second by <see cref="RealtimeSweeper"/>.
    /// </summary>
    public void ExpireTyping()
    {
        var now = clock.GetCurrentInstant();
        List<(TypingFrame, Guid Account)> expired = [];
        lock (_gate)
        {
            List<(Guid, Guid)>? forget = null;
            foreach (var (key, state) in _typing)
            {
                if (state.Until is { } until && until <= now)
                {
                    state.Until = null;
                    expired.Add((new TypingFrame(key.Conversation, key.User, state.Name, "stop"), state.Account));
                }
                if (state.Until is null && now - state.LastStartRelayed >= _typingRelayInterval) (forget ??= []).Add(key);
            }
            if (forget is not null)
                foreach (var key in forget) _typing.Remove(key);
        }
        foreach (var (stop, account) in expired) Broadcast(Target.Subscribers(account, stop.ConversationId, stop.UserId), FrameBytes.Of(stop));
    }

    /// <summary>Closes connections that sent nothing (not even a ping) for twice the heartbeat.</summary>
    public void DropSilent(Duration silence)
    {
        var cutoff = clock.GetCurrentInstant() - silence;
        List<Connection> silent;
        lock (_gate) silent = _connections.Values.Where(c => c.LastSeen < cutoff).ToList();
        foreach (var connection in silent)
        {
            logger.LogInformation("Dropping connection {ConnectionId}: silent since {LastSeen}", connection.Id, connection.LastSeen);
            connection.Close(WebSocketCloseStatus.NormalClosure, "heartbeat timeout");
        }
    }

    /// <summary>
    /// Closes with 1002 the connections whose frame started to arrive more than <paramref name="timeout"/> ago and is
    /// still incomplete (an unfinished fragment, a length announced and never sent): otherwise such a socket would be
    /// held until the heartbeat.
    /// </summary>
    public void DropStalled(TimeSpan timeout)
    {
        List<Connection> stalled;
        lock (_gate) stalled = _connections.Values.Where(c => c.IncompleteFor > timeout).ToList();
        foreach (var connection in stalled)
        {
            logger.LogInformation("Closing connection {ConnectionId}: a frame stayed incomplete for more than {Timeout}", connection.Id, timeout);
            connection.Close(WebSocketCloseStatus.ProtocolError, "incomplete frame");
        }
    }

    /// <summary>
    /// Tells every connection of this instance that it may have missed events (<c>resync</c>): the backplane calls it
    /// once it listens again after losing its link, since whatever was notified meanwhile never reached this instance.
    /// Answers how many connections were told.
    /// </summary>
    public int Resync(string reason)
    {
        Connection[] all;
        lock (_gate) all = [.. _connections.Values];
        var frame = FrameBytes.Of(new ResyncFrame(reason));
        foreach (var connection in all) connection.Send(frame);
        return all.Length;
    }

    /// <summary>A session ended (logout, refresh-token reuse): its sockets close at once with 1008.</summary>
    public void CloseSession(Guid sessionId)
    {
        List<Connection> closing;
        lock (_gate) closing = _connections.Values.Where(c => c.SessionId == sessionId).ToList();
        foreach (var connection in closing) connection.Close(WebSocketCloseStatus.PolicyViolation, "session ended");
    }

    public int LocalConnectionsOf(Guid userId)
    {
        lock (_gate) return _presence.GetValueOrDefault(userId);
    }

    /// <summary>Delivers to this instance's connections and hands the frame to the other instances.</summary>
    public void Broadcast(Target target, byte[] frame)
    {
        DeliverLocal(target, frame);
        Broadcasting?.Invoke(target, frame);
    }

    /// <summary>Delivers to this instance's connections only (frames arriving from other instances end here).</summary>
    public void DeliverLocal(Target target, byte[] frame)
    {
        var recipients = target.Kind == TargetKind.Subscribers ? Snapshot(_subscribers, target.Key) : Snapshot(_byAccount, target.AccountId);
        foreach (var connection in recipients)
        {
            // A conversation id is checked against the account when subscribing; the account check here is belt and braces.
            if (connection.AccountId != target.AccountId || connection.UserId == target.ExceptUser) continue;
            if (target.Kind == TargetKind.User && connection.UserId != target.Key) continue;
            connection.Send(frame);
        }
    }

    void Record(PresenceChange change)
    {
        if (!presenceChanges.Queue.Writer.TryWrite(change))
            logger.LogWarning("Presence queue full; dropped a {Change} of user {UserId}", change.GetType().Name, change.UserId);
    }

    Guid? ViewingOfUser(Guid accountId, Guid userId) =>
        _byAccount.GetValueOrDefault(accountId)?.Where(c => c.UserId == userId && c.Viewing is not null).Select(c => c.Viewing).FirstOrDefault();

    Connection[] Snapshot(Dictionary<Guid, HashSet<Connection>> map, Guid key)
    {
        lock (_gate) return map.TryGetValue(key, out var set) ? [.. set] : [];
    }

    static HashSet<Connection> Set(Dictionary<Guid, HashSet<Connection>> map, Guid key)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = [];
        return set;
    }
}
