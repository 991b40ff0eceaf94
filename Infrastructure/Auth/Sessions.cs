using System.Security.Cryptography;
using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Infrastructure.Auth;

/// <summary>What sign-up, login and refresh hand back: a short-lived access token and a single-use refresh token.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, Instant ExpiresAt);

/// <summary>
/// Sessions and their refresh-token families. Shared by sign-up, login and refresh, which all end by issuing
/// a pair; the rotation rules themselves live in the refresh slice.
/// </summary>
public sealed class Sessions(AccessTokens accessTokens, IOptions<AuthOptions> options, IClock clock)
{
    /// <summary>Starts a new session for <paramref name="user"/> (inside the caller's transaction) and issues its first pair.</summary>
    public async Task<TokenPair> StartAsync(InboxDb db, UserRow user, CancellationToken ct)
    {
        var session = new SessionRow { Id = Guid.CreateVersion7(), AccountId = user.AccountId, UserId = user.Id, CreatedAt = clock.NowForDatabase() };
        await db.InsertAsync(session, token: ct);
        return await IssueAsync(db, user, session.Id, ct);
    }

    /// <summary>Adds a fresh refresh token to an existing session and signs a new access token for it.</summary>
    public async Task<TokenPair> IssueAsync(InboxDb db, UserRow user, Guid sessionId, CancellationToken ct)
    {
        var now = clock.NowForDatabase();
        var refreshToken = NewRefreshToken();
        await db.InsertAsync(new RefreshTokenRow
        {
            Id = Guid.CreateVersion7(),
            SessionId = sessionId,
            TokenHash = HashRefreshToken(refreshToken),
            CreatedAt = now,
            ExpiresAt = now + Duration.FromTimeSpan(options.Value.RefreshTokenLifetime),
        }, token: ct);

        var (accessToken, expiresAt) = accessTokens.Issue(user, sessionId);
        return new TokenPair(accessToken, refreshToken, expiresAt);
    }

    /// <summary>256 random bits; only their SHA-256 is stored, so a database leak yields no usable token.</summary>
    static string NewRefreshToken() => "rt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] HashRefreshToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
