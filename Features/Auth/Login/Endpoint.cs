using Inbox.Features.Users;
using Microsoft.AspNetCore.Builder;

namespace Inbox.Features.Auth.Login;

/// <summary>
/// Email and password for a new session. Unknown email and wrong password get the same 401 after the same
/// amount of hashing work, so neither the answer nor its timing tells whether an email has an account.
/// </summary>
public sealed class Endpoint(InboxDb db, Sessions sessions, LoginThrottle throttle) : Endpoint<Request, Response>
{
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
        if (!Passwords.Verify(user?.PasswordHash, req.Password) || user is null)
            ThrowError("The email or password is incorrect.", StatusCodes.Status401Unauthorized);

        await using var tx = await db.BeginTransactionAsync(ct);
        var tokens = await sessions.StartAsync(db, user, ct);
        await tx.CommitAsync(ct);

        await Send.OkAsync(new Response(UserResponse.From(user), tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt), ct);
    }
}
