using System.Net.WebSockets;

namespace Inbox.Features.Realtime;

/// <summary>
/// Every live connection of this instance, and who listens to what: subscriptions per conversation, connections
/// per account, user and session, presence per user, typing and viewing state. A DI singleton. One lock guards the
/// maps; it is held only to read or change them, never while sending (sending only queues bytes).
/// </summary>
public sealed class Hub(IClock clock, ILogger<Hub> logger)
{
    readonly Lock _gate = new();
    readonly Dictionary<Guid, Connection> _connections = [];
    readonly Dictionary<Guid, HashSet<Connection>> _subscribers = [];
    readonly Dictionary<Guid, HashSet<Connection>> _byAccount = [];
    readonly Dictionary<Guid, UserPresence> _presence = [];
    readonly Dictionary<(Guid Conversation, Guid User), (Instant Expires, string Name, Guid Account)> _typing = [];

    sealed class UserPresence
    {
        public int Connections;
        public string Status = PresenceStatus.Offline;
        public Instant? LastSeenAt;
    }

    /// <summary>Registers a new connection; when it is the user's first, the account is told they are online.</summary>
    public void Join(Connection connection)
    {
        PresenceFrame? changed = null;
        lock (_gate)
        {
            _connections[connection.Id] = connection;
            Set(_byAccount, connection.AccountId).Add(connection);
            var presence = PresenceOf(connection.UserId);
            if (presence.Connections++ == 0)
            {
                presence.Status = PresenceStatus.Online;
                presence.LastSeenAt = clock.GetCurrentInstant();
                changed = new PresenceFrame(connection.UserId, presence.Status, presence.LastSeenAt);
            }
        }
        if (changed is not null) ToAccount(connection.AccountId, FrameBytes.Of(changed));
    }

    /// <summary>Forgets a connection: its subscriptions, its viewing, and, for the user's last one, their presence.</summary>
    public void Leave(Connection connection)
    {
        PresenceFrame? changed = null;
        ViewingFrame? viewing = null;
        List<TypingFrame> stoppedTyping = [];
        lock (_gate)
        {
            if (!_connections.Remove(connection.Id)) return;
            _byAccount.GetValueOrDefault(connection.AccountId)?.Remove(connection);
            foreach (var conversation in connection.Subscriptions)
                _subscribers.GetValueOrDefault(conversation)?.Remove(connection);
            if (connection.Viewing is { } shown)
            {
                connection.Viewing = null;
                viewing = ViewingOf(connection.AccountId, shown);
            }

            var presence = PresenceOf(connection.UserId);
            if (--presence.Connections == 0)
            {
                presence.Status = PresenceStatus.Offline;
                presence.LastSeenAt = clock.GetCurrentInstant();
                changed = new PresenceFrame(connection.UserId, presence.Status, presence.LastSeenAt);
                foreach (var key in _typing.Keys.Where(k => k.User == connection.UserId).ToList())
                {
                    stoppedTyping.Add(new TypingFrame(key.Conversation, key.User, _typing[key].Name, "stop"));
                    _typing.Remove(key);
                }
            }
        }
        if (viewing is not null) ToAccount(connection.AccountId, FrameBytes.Of(viewing));
        if (changed is not null) ToAccount(connection.AccountId, FrameBytes.Of(changed));
        foreach (var stop in stoppedTyping) ToSubscribers(stop.ConversationId, FrameBytes.Of(stop), exceptUser: stop.UserId);
    }

    public void Subscribe(Connection connection, Guid conversationId)
    {
        lock (_gate)
        {
            if (!_connections.ContainsKey(connection.Id)) return;
            connection.Subscriptions.Add(conversationId);
            Set(_subscribers, conversationId).Add(connection);
        }
    }

    public void Unsubscribe(Connection connection, Guid conversationId)
    {
        lock (_gate)
        {
            connection.Subscriptions.Remove(conversationId);
            _subscribers.GetValueOrDefault(conversationId)?.Remove(connection);
        }
    }

    public bool IsSubscribed(Connection connection, Guid conversationId)
    {
        lock (_gate) return connection.Subscriptions.Contains(conversationId);
    }

    /// <summary>A <c>start</c> holds for <see cref="RealtimeOptions.TypingExpiry"/> unless refreshed; <see cref="ExpireTyping"/> turns a stale one into a <c>stop</c>.</summary>
    public void Typing(Connection connection, Guid conversationId, bool typing)
    {
        lock (_gate)
        {
            var key = (conversationId, connection.UserId);
            if (typing) _typing[key] = (clock.GetCurrentInstant() + RealtimeOptions.TypingExpiry, connection.UserName, connection.AccountId);
            else _typing.Remove(key);
        }
        ToSubscribers(conversationId, FrameBytes.Of(new TypingFrame(conversationId, connection.UserId, connection.UserName, typing ? "start" : "stop")), exceptUser: connection.UserId);
    }

    public void SetStatus(Connection connection, string status)
    {
        PresenceFrame frame;
        lock (_gate)
        {
            var presence = PresenceOf(connection.UserId);
            presence.Status = status;
            presence.LastSeenAt = clock.GetCurrentInstant();
            frame = new PresenceFrame(connection.UserId, presence.Status, presence.LastSeenAt);
        }
        ToAccount(connection.AccountId, FrameBytes.Of(frame));
    }

    /// <summary>Which conversation the connection shows; the account hears who now looks at the old and the new one.</summary>
    public void View(Connection connection, Guid? conversationId)
    {
        List<ViewingFrame> frames = [];
        lock (_gate)
        {
            var before = connection.Viewing;
            if (before == conversationId) return;
            connection.Viewing = conversationId;
            if (before is { } old) frames.Add(ViewingOf(connection.AccountId, old));
            if (conversationId is { } now) frames.Add(ViewingOf(connection.AccountId, now));
        }
        foreach (var frame in frames) ToAccount(connection.AccountId, FrameBytes.Of(frame));
    }

    /// <summary>Presence of the given users as this instance knows it; users it never saw are offline.</summary>
    public IReadOnlyDictionary<Guid, (string Status, Instant? LastSeenAt, Guid? Viewing)> PresenceOf(Guid accountId, IEnumerable<Guid> userIds)
    {
        lock (_gate)
        {
            var live = _byAccount.GetValueOrDefault(accountId) ?? [];
            return userIds.ToDictionary(id => id, id =>
            {
                var presence = _presence.GetValueOrDefault(id);
                var viewing = live.Where(c => c.UserId == id && c.Viewing is not null).Select(c => c.Viewing).FirstOrDefault();
                return (presence?.Status ?? PresenceStatus.Offline, presence?.LastSeenAt, viewing);
            });
        }
    }

    /// <summary>Turns typing starts older than the expiry into broadcast stops. Called every second by <see cref="RealtimeSweeper"/>.</summary>
    public void ExpireTyping()
    {
        var now = clock.GetCurrentInstant();
        List<TypingFrame> expired = [];
        lock (_gate)
        {
            foreach (var (key, value) in _typing.Where(t => t.Value.Expires <= now).ToList())
            {
                _typing.Remove(key);
                expired.Add(new TypingFrame(key.Conversation, key.User, value.Name, "stop"));
            }
        }
        foreach (var stop in expired) ToSubscribers(stop.ConversationId, FrameBytes.Of(stop), exceptUser: stop.UserId);
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

    /// <summary>A session ended (logout, refresh-token reuse): its sockets close at once with 1008.</summary>
    public void CloseSession(Guid sessionId)
    {
        List<Connection> closing;
        lock (_gate) closing = _connections.Values.Where(c => c.SessionId == sessionId).ToList();
        foreach (var connection in closing) connection.Close(WebSocketCloseStatus.PolicyViolation, "session ended");
    }

    public void CloseAll(WebSocketCloseStatus status, string reason)
    {
        List<Connection> all;
        lock (_gate) all = [.. _connections.Values];
        foreach (var connection in all) connection.Close(status, reason);
    }

    public int Count
    {
        get { lock (_gate) return _connections.Count; }
    }

    public void ToSubscribers(Guid conversationId, byte[] frame, Guid? exceptUser = null)
    {
        foreach (var connection in Snapshot(_subscribers, conversationId))
            if (connection.UserId != exceptUser) connection.Send(frame);
    }

    public void ToAccount(Guid accountId, byte[] frame)
    {
        foreach (var connection in Snapshot(_byAccount, accountId)) connection.Send(frame);
    }

    public void ToUser(Guid accountId, Guid userId, byte[] frame)
    {
        foreach (var connection in Snapshot(_byAccount, accountId))
            if (connection.UserId == userId) connection.Send(frame);
    }

    Connection[] Snapshot(Dictionary<Guid, HashSet<Connection>> map, Guid key)
    {
        lock (_gate) return map.TryGetValue(key, out var set) ? [.. set] : [];
    }

    ViewingFrame ViewingOf(Guid accountId, Guid conversationId) =>
        new(conversationId, _byAccount.GetValueOrDefault(accountId)?.Where(c => c.Viewing == conversationId).Select(c => c.UserId).Distinct().Order().ToList() ?? []);

    UserPresence PresenceOf(Guid userId)
    {
        if (!_presence.TryGetValue(userId, out var presence)) _presence[userId] = presence = new UserPresence();
        return presence;
    }

    static HashSet<Connection> Set(Dictionary<Guid, HashSet<Connection>> map, Guid key)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = [];
        return set;
    }
}

public static class PresenceStatus
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Busy = "busy";
    public const string Offline = "offline";
}
