using LinqToDB.DataProvider.PostgreSQL;

namespace Inbox.Features.Auth.Refresh;

sealed record PresentedToken(RefreshTokenRow Token, SessionRow Session, UserRow User);

static class Data
{
    /// <summary>
    /// The token with its session and user, row-locked: two refreshes racing on one token are serialised, so the
    /// second sees the first one's spend and is treated as reuse.
    /// </summary>
    public static Task<PresentedToken?> FindForUpdateAsync(InboxDb db, byte[] tokenHash, CancellationToken ct) =>
        (from t in db.RefreshTokens
         join s in db.Sessions on t.SessionId equals s.Id
         join u in db.Users on s.UserId equals u.Id
         where t.TokenHash == tokenHash
         select new PresentedToken(t, s, u))
        .QueryHint(PostgreSQLHints.ForUpdate)
        .FirstOrDefaultAsync(ct);

    public static Task SpendAsync(InboxDb db, Guid tokenId, Instant now, CancellationToken ct) =>
        db.RefreshTokens.Where(t => t.Id == tokenId).Set(t => t.SpentAt, now).UpdateAsync(ct);

    /// <summary>Ends the whole family: no token of the session can be exchanged again.</summary>
    public static Task RevokeSessionAsync(InboxDb db, Guid sessionId, Instant now, CancellationToken ct) =>
        db.Sessions.Where(s => s.Id == sessionId && s.RevokedAt == null).Set(s => s.RevokedAt, now).UpdateAsync(ct);
}
