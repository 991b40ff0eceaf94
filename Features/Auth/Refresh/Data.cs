using LinqToDB.DataProvider.PostgreSQL;

namespace Inbox.Features.Auth.Refresh;

sealed record PresentedToken(RefreshTokenRow Token, SessionRow Session, UserRow User);

static class Data
{
    /// <summary>
    /// The token with its session and user, row-locked: two refreshes racing on one token are serialised, so the
    /// second sees the first one's spend and is treated as reuse; and a refresh racing a deactivation either ends
    /// before it (and the deactivation revokes the session it extended) or sees its revoked session and inactive user.
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
}
