using LinqToDB.Data;

namespace Inbox.Infrastructure.Auth;

/// <summary>
/// The one way a session ends: its <c>revoked_at</c> is set and a notification on
/// <see cref="SessionRevocations.Channel"/> is sent for it, by the same statement, so inside the caller's
/// transaction. PostgreSQL delivers a NOTIFY only when its transaction commits, so every instance hears of exactly
/// the revocations that happened, never of one that was rolled back. After the commit the caller hands the ids to
/// <see cref="SessionRevocations.Revoked(IEnumerable{Guid})"/> so this instance applies them without waiting.
/// </summary>
public static class RevocationData
{
    static DataParameter Channel => new("channel", SessionRevocations.Channel, LinqToDB.DataType.Text);

    /// <summary>Ends one session of the user; false when it was already ended (or is not theirs).</summary>
    public static async Task<bool> RevokeSessionAsync(InboxDb db, Guid sessionId, Guid userId, Instant now, CancellationToken ct) =>
        (await db.QueryToListAsync<Guid>(
            """
            WITH revoked AS (
                UPDATE sessions SET revoked_at = @now
                WHERE id = @session AND user_id = @user AND revoked_at IS NULL
                RETURNING id
            )
            SELECT id FROM revoked, LATERAL pg_notify(@channel, id::text)
            """, ct,
            Channel, new DataParameter("now", now), new DataParameter("session", sessionId), new DataParameter("user", userId))).Count > 0;

    /// <summary>Ends every live session of the user (deactivation); answers the ids it ended.</summary>
    public static Task<List<Guid>> RevokeUserSessionsAsync(InboxDb db, Guid userId, Instant now, CancellationToken ct) =>
        db.QueryToListAsync<Guid>(
            """
            WITH revoked AS (
                UPDATE sessions SET revoked_at = @now
                WHERE user_id = @user AND revoked_at IS NULL
                RETURNING id
            )
            SELECT id FROM revoked, LATERAL pg_notify(@channel, id::text)
            """, ct,
            Channel, new DataParameter("now", now), new DataParameter("user", userId));

    /// <summary>The per-request check while the in-memory set is not known complete.</summary>
    internal static Task<bool> IsLiveAsync(InboxDb db, Guid sessionId, CancellationToken ct) =>
        db.Sessions.AnyAsync(s => s.Id == sessionId && s.RevokedAt == null, ct);

    /// <summary>Every session revoked after <paramref name="since"/> (served by the partial index sessions_revoked).</summary>
    internal static async Task<List<(Guid SessionId, Instant RevokedAt)>> RevokedSinceAsync(InboxDb db, Instant since, CancellationToken ct) =>
        (await db.Sessions.Where(s => s.RevokedAt != null && s.RevokedAt > since)
            .Select(s => new { s.Id, s.RevokedAt })
            .ToListAsync(ct))
        .Select(s => (s.Id, s.RevokedAt!.Value))
        .ToList();
}
