using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Inbox.Infrastructure.Auth;

/// <summary>The HMAC key both issuing and validation use; a singleton resolved once at start-up.</summary>
public sealed class AccessTokenKey(byte[] bytes)
{
    public SymmetricSecurityKey Key { get; } = new(bytes);
}

/// <summary>Issues the short-lived HMAC-SHA256 access tokens users present as <c>Authorization: Bearer</c>.</summary>
public sealed class AccessTokens(AccessTokenKey key, IOptions<AuthOptions> options, SessionRevocations revocations, IClock clock)
{
    /// <summary>How far past its expiry a token is still accepted (clocks of instances differ a little).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    static readonly JsonWebTokenHandler Handler = new();

    public (string Token, Instant ExpiresAt) Issue(UserRow user, Guid sessionId)
    {
        var now = clock.GetCurrentInstant();
        var expiresAt = now + Duration.FromTimeSpan(options.Value.AccessTokenLifetime);
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.ToDateTimeUtc(),
            NotBefore = now.ToDateTimeUtc(),
            Expires = expiresAt.ToDateTimeUtc(),
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(InboxClaims.Subject, user.Id.ToString()),
                new Claim(InboxClaims.Account, user.AccountId.ToString()),
                new Claim(InboxClaims.Role, user.Role),
                new Claim(InboxClaims.Name, user.Name),
                new Claim(InboxClaims.Session, sessionId.ToString()),
            ]),
        });
        return (token, expiresAt);
    }

    readonly TokenValidationParameters _validation = ValidationParameters(key, options.Value);

    /// <summary>
    /// The caller a token names, or null when it fails <see cref="ValidationParameters"/> or its session has ended:
    /// the same checks the bearer handler makes (<see cref="AuthSetup"/>), for <c>/ws</c>, which keeps only the small
    /// <see cref="Caller"/> for the socket's whole life instead of the request-scoped handler's cached result (the
    /// parsed token and its principal).
    /// </summary>
    public async Task<Caller?> ValidateAsync(string token, CancellationToken ct = default)
    {
        if (token.Length == 0) return null;
        var result = await Handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid) return null;
        var caller = new ClaimsPrincipal(result.ClaimsIdentity).Caller();
        return await SessionIsLiveAsync(caller.SessionId, revocations, ct) ? caller : null;
    }

    /// <summary>Every access token names its session; one without a session, or of a session that ended, is refused.</summary>
    public static async ValueTask<bool> SessionIsLiveAsync(Guid? sessionId, SessionRevocations revocations, CancellationToken ct) =>
        sessionId is { } id && await revocations.IsLiveAsync(id, ct);

    /// <summary>
    /// What a token must satisfy: our issuer and audience, unexpired (30 s of skew at most, not the default
    /// 5 minutes), signed with our key by HMAC-SHA256 and nothing else, so <c>alg: none</c> and tokens
    /// signed with any other key or algorithm are refused.
    /// </summary>
    public static TokenValidationParameters ValidationParameters(AccessTokenKey key, AuthOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = key.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = ClockSkew,
        NameClaimType = InboxClaims.Name,
        RoleClaimType = InboxClaims.Role,
    };
}
