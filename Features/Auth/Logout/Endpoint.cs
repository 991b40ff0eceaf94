using Inbox.Infrastructure.Time;

namespace Inbox.Features.Auth.Logout;

public sealed class Request
{
    public string RefreshToken { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.RefreshToken).NotEmpty().MaximumLength(200);
    }
}

/// <summary>
/// Ends the session the refresh token belongs to (when it is the caller's), else the caller's current one.
/// Always 204: the answer never tells whether a token existed.
/// </summary>
public sealed class Endpoint(InboxDb db, SessionRevocations revocations, IClock clock) : Endpoint<Request>
{
    public override void Configure()
    {
        Post("/api/auth/logout");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var sessionId = await Data.FindOwnSessionAsync(db, Sessions.HashRefreshToken(req.RefreshToken), caller.UserId!.Value, ct) ?? caller.SessionId;
        if (sessionId is { } id && await Data.RevokeAsync(db, id, caller.UserId.Value, clock.NowForDatabase(), ct))
            revocations.Revoked(id);
        await Send.NoContentAsync(ct);
    }
}

static class Data
{
    public static Task<Guid?> FindOwnSessionAsync(InboxDb db, byte[] tokenHash, Guid userId, CancellationToken ct) =>
        (from t in db.RefreshTokens
         join s in db.Sessions on t.SessionId equals s.Id
         where t.TokenHash == tokenHash && s.UserId == userId
         select (Guid?)s.Id).FirstOrDefaultAsync(ct);

    public static async Task<bool> RevokeAsync(InboxDb db, Guid sessionId, Guid userId, Instant now, CancellationToken ct) =>
        await db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null).Set(s => s.RevokedAt, now).UpdateAsync(ct) > 0;
}
