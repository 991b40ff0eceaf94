using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Inbox.Infrastructure.Auth;

/// <summary>
/// API keys look like <c>ibx_&lt;8-char prefix&gt;_&lt;secret&gt;</c>. The prefix is stored in clear to find the row; the
/// whole key only as a SHA-256 hash (the secret has 256 bits of entropy, so a slow hash buys nothing).
/// </summary>
public static class ApiKeyFormat
{
    public const string Header = "X-Api-Key";
    const string Scheme = "ibx_";
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static (string Key, string Prefix, byte[] Hash) Generate()
    {
        var prefix = Scheme + RandomNumberGenerator.GetString(Alphabet, 8);
        var key = $"{prefix}_{RandomNumberGenerator.GetString(Alphabet + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 43)}";
        return (key, prefix, Hash(key));
    }

    public static string? PrefixOf(string key)
    {
        if (key.Length > 100 || !key.StartsWith(Scheme, StringComparison.Ordinal)) return null;
        var end = key.IndexOf('_', Scheme.Length);
        return end < 0 ? null : key[..end];
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>Authenticates <c>X-Api-Key</c> against the database on every request, so a revoked key stops at once.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    InboxDatabase database)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyFormat.Header, out var values))
            return AuthenticateResult.NoResult();

        var presented = values.ToString();
        var prefix = ApiKeyFormat.PrefixOf(presented);
        if (prefix is null) return AuthenticateResult.Fail("malformed API key");

        await using var db = database.Open();
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix && k.RevokedAt == null, Context.RequestAborted);
        if (key is null || !CryptographicOperations.FixedTimeEquals(key.KeyHash, ApiKeyFormat.Hash(presented)))
            return AuthenticateResult.Fail("unknown or revoked API key");

        var identity = new ClaimsIdentity(
        [
            new Claim(InboxClaims.Account, key.AccountId.ToString()),
            new Claim(InboxClaims.Role, InboxRoles.Integration),
            new Claim(InboxClaims.Name, key.Name),
            new Claim(InboxClaims.ApiKey, key.Id.ToString()),
        ], SchemeName, InboxClaims.Name, InboxClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
