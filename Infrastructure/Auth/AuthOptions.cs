using System.Security.Cryptography;
using System.Text;

namespace Inbox.Infrastructure.Auth;

/// <summary>The <c>Auth</c> configuration section (names are part of the contract).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";
    public const int MinimumSigningKeyBytes = 32;

    public string? JwtSigningKey { get; set; }
    public bool SignupEnabled { get; set; } = true;
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
    public int LoginAttemptsPerMinutePerEmail { get; set; } = 10;
    public int LoginAttemptsPerMinutePerIp { get; set; } = 100;
    public string Issuer { get; set; } = "inbox";
    public string Audience { get; set; } = "inbox";
}

/// <summary>
/// Where the HMAC key for access tokens comes from: <c>Auth__JwtSigningKey</c> when set (at least 32 bytes);
/// otherwise, outside Production, a random key generated once and kept under <c>.data/</c> so tokens survive a
/// restart. Production without a key refuses to start: a generated key would silently differ per instance.
/// </summary>
public static class SigningKey
{
    public static byte[] Resolve(AuthOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrEmpty(options.JwtSigningKey))
        {
            var bytes = Encoding.UTF8.GetBytes(options.JwtSigningKey);
            if (bytes.Length < AuthOptions.MinimumSigningKeyBytes)
                throw new InvalidOperationException($"Auth__JwtSigningKey must be at least {AuthOptions.MinimumSigningKeyBytes} bytes long.");
            return bytes;
        }

        if (environment.IsProduction())
            throw new InvalidOperationException($"Auth__JwtSigningKey is required in Production (at least {AuthOptions.MinimumSigningKeyBytes} bytes); set it in the environment.");

        var path = Path.Combine(environment.ContentRootPath, ".data", "jwt-signing-key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(64);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
