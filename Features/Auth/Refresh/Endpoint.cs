using Inbox.Infrastructure.Time;
using Microsoft.AspNetCore.Builder;

namespace Inbox.Features.Auth.Refresh;

/// <summary>
/// Exchanges a refresh token for a new pair. Each refresh token works once: presenting a spent one means it
/// was stolen or replayed, so the whole session (token family) is revoked and every token of it stops working.
/// </summary>
public sealed class Endpoint(InboxDb db, Sessions sessions, LoginThrottle throttle, SessionRevocations revocations, IClock clock) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/auth/refresh");
        AllowAnonymous();
        Options(b => b.RequireRateLimiting(LoginThrottle.PerIpPolicy));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var hash = Sessions.HashRefreshToken(req.RefreshToken);
        if (!throttle.TryAttempt("refresh:" + Convert.ToHexString(hash), out var retryAfter))
        {
            await LoginThrottlingSetup.WriteTooManyAsync(HttpContext, retryAfter);
            return;
        }

        var now = clock.NowForDatabase();
        await using var tx = await db.BeginTransactionAsync(ct);
        var presented = await Data.FindForUpdateAsync(db, hash, ct);
        // A deactivated user's sessions are revoked already; the active check is a second lock on the same door.
        if (presented is null || presented.Session.RevokedAt is not null || presented.Token.ExpiresAt <= now || !presented.User.Active)
            ThrowError("The refresh token is invalid or expired; sign in again.", StatusCodes.Status401Unauthorized);

        if (presented.Token.SpentAt is not null)
        {
            // The whole family ends, everywhere: its access tokens too, not only its refresh tokens.
            await RevocationData.RevokeSessionAsync(db, presented.Session.Id, presented.Session.UserId, now, ct);
            await tx.CommitAsync(ct);
            revocations.Revoked(presented.Session.Id);
            ThrowError("The refresh token was already used; the session has been ended. Sign in again.", StatusCodes.Status401Unauthorized);
        }

        await Data.SpendAsync(db, presented.Token.Id, now, ct);
        var tokens = await sessions.IssueAsync(db, presented.User, presented.Session.Id, ct);
        await tx.CommitAsync(ct);

        await Send.OkAsync(new Response(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt), ct);
    }
}
