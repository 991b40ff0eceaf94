using Inbox.Features.Users;
using Microsoft.AspNetCore.Builder;

namespace Inbox.Features.Auth.Login;

/// <summary>
/// Email and password for a new session. Unknown email and wrong password get the same 401 after the same
/// amount of hashing work, so neither the answer nor its timing tells whether an email has an account.
/// </summary>
public sealed class Endpoint(InboxDb db, Sessions sessions, LoginThrottle throttle) : Endpoint<Request, Response>
{
    const string BadCredentials = "The email or password is incorrect.";

    public override void Configure()
    {
        Post("/api/auth/login");
        AllowAnonymous();
        Options(b => b.RequireRateLimiting(LoginThrottle.PerIpPolicy));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!throttle.TryAttempt("login:" + req.Email.ToLowerInvariant(), out var retryAfter))
        {
            await LoginThrottlingSetup.WriteTooManyAsync(HttpContext, retryAfter);
            return;
        }

        var user = await Data.FindByEmailAsync(db, req.Email, ct);
        // A deactivated user gets the bad-credentials answer, after the same hashing work: nothing tells them apart.
        if (!Passwords.Verify(user?.PasswordHash, req.Password) || user is null || !user.Active)
            ThrowError(BadCredentials, StatusCodes.Status401Unauthorized);

        await using var tx = await db.BeginTransactionAsync(ct);
        if (!await Data.LockIfActiveAsync(db, user.Id, ct))
            ThrowError(BadCredentials, StatusCodes.Status401Unauthorized);
        var tokens = await sessions.StartAsync(db, user, ct);
        await tx.CommitAsync(ct);

        await Send.OkAsync(new Response(UserResponse.From(user), tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt), ct);
    }
}
