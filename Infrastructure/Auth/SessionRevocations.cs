using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Inbox.Infrastructure.Auth;

/// <summary>
/// Which sessions have ended (logout, refresh-token reuse, a deactivated user), known to this instance without a
/// database round trip, so that every bearer request and every <c>/ws</c> handshake can refuse their access tokens
/// at once; and the <see cref="SessionRevoked"/> event that closes their sockets.
/// <para>
/// The database is the source of truth (<c>sessions.revoked_at</c>). This set is a copy of its recent part: every
/// session revoked within <see cref="Retention"/>, the longest an access token issued before the revocation can
/// still be accepted; older entries are pruned, since their tokens are expired anyway. So memory is bounded by the
/// number of revocations in one token lifetime. <see cref="SessionListener"/> keeps it current from the
/// <see cref="Channel"/> notifications that every revocation sends in its own transaction, and reloads it from
/// the database when it (re)connects.
/// </para>
/// <para>
/// Until that first load has succeeded, and whenever the LISTEN connection is down (notifications sent meanwhile
/// are lost), the set may be missing revocations: then each check asks the database instead. Chosen over refusing
/// with 503 because a freshly started instance, or one whose dedicated connection alone dropped, can usually still
/// reach the database, and one indexed lookup per request for a few moments costs less than turning users away;
/// when the database is really gone the lookup fails and the request answers 503 like any other.
/// </para>
/// </summary>
public sealed class SessionRevocations(InboxDatabase database, IOptions<AuthOptions> options, IClock clock, ILogger<SessionRevocations> logger)
{
    /// <summary>The PostgreSQL NOTIFY channel of revocations: one notification per session, its id as payload.</summary>
    public const string Channel = "inbox_sessions";

    readonly ConcurrentDictionary<Guid, Instant> _revoked = new();
    volatile bool _synced;

    /// <summary>Raised once per session on this instance, whichever instance revoked it: close its sockets.</summary>
    public event Action<Guid>? SessionRevoked;

    /// <summary>How long a revocation is remembered: the longest an access token may be accepted after it.</summary>
    public Duration Retention => Duration.FromTimeSpan(options.Value.AccessTokenLifetime + AccessTokens.ClockSkew);

    /// <summary>Whether the set is known complete (loaded, and the LISTEN connection is up).</summary>
    public bool IsSynced => _synced;

    /// <summary>How many revocations are held now (tests check that pruning bounds it).</summary>
    public int Count => _revoked.Count;

    /// <summary>False when the session has ended. Memory only while synced; the database otherwise (see the class remarks).</summary>
    public async ValueTask<bool> IsLiveAsync(Guid sessionId, CancellationToken ct)
    {
        if (_revoked.ContainsKey(sessionId)) return false;
        if (_synced) return true;
        await using var db = database.Open();
        return await RevocationData.IsLiveAsync(db, sessionId, ct);
    }

    /// <summary>
    /// Called after the revoking transaction committed on this instance: applies here at once, without waiting for
    /// the notification to come back (which then finds the session known and raises nothing twice).
    /// </summary>
    public void Revoked(Guid sessionId) => Learn(sessionId, clock.GetCurrentInstant());

    public void Revoked(IEnumerable<Guid> sessionIds)
    {
        foreach (var id in sessionIds) Revoked(id);
    }

    /// <summary>
    /// Remembers a revocation until <see cref="Retention"/> after it (counted from now when the notification arrives
    /// later than it was stamped), and raises <see cref="SessionRevoked"/> the first time only.
    /// </summary>
    internal void Learn(Guid sessionId, Instant revokedAt)
    {
        var now = clock.GetCurrentInstant();
        var forgetAt = (revokedAt > now ? revokedAt : now) + Retention;
        if (!_revoked.TryAdd(sessionId, forgetAt)) return;
        try
        {
            SessionRevoked?.Invoke(sessionId);
        }
        catch (Exception e)
        {
            // A subscriber's failure must not stop the listener that is delivering revocations.
            logger.LogError(e, "Closing the connections of ended session {SessionId} failed", sessionId);
        }
    }

    /// <summary>After a (re)load from the database: everything revoked within the retention is known, so memory alone decides.</summary>
    internal void Loaded(IEnumerable<(Guid SessionId, Instant RevokedAt)> revoked)
    {
        foreach (var (id, at) in revoked) Learn(id, at);
        _synced = true;
    }

    /// <summary>The LISTEN connection is down: notifications may be lost from now on, so checks go to the database.</summary>
    internal void Unsynced() => _synced = false;

    /// <summary>Forgets revocations whose tokens have all expired.</summary>
    internal void Prune()
    {
        var now = clock.GetCurrentInstant();
        foreach (var (id, forgetAt) in _revoked)
            if (forgetAt <= now) _revoked.TryRemove(id, out _);
    }
}
