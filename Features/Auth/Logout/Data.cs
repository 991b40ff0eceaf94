namespace Inbox.Features.Auth.Logout;

static class Data
{
    public static Task<Guid?> FindOwnSessionAsync(InboxDb db, byte[] tokenHash, Guid userId, CancellationToken ct) =>
        (from t in db.RefreshTokens
         join s in db.Sessions on t.SessionId equals s.Id
         where t.TokenHash == tokenHash && s.UserId == userId
         select (Guid?)s.Id).FirstOrDefaultAsync(ct);
}
