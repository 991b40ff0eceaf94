using Microsoft.AspNetCore.Identity;

namespace Inbox.Infrastructure.Auth;

/// <summary>ASP.NET Core's PBKDF2 password hasher, plus the dummy check that keeps login timing the same for unknown emails.</summary>
public static class Passwords
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    static readonly PasswordHasher<object> Hasher = new();
    static readonly object Subject = new();
    // A real hash of a random password: verifying against it costs what a real verification costs.
    static readonly string DummyHash = Hasher.HashPassword(Subject, Guid.NewGuid().ToString());

    public static string Hash(string password) => Hasher.HashPassword(Subject, password);

    /// <summary>Verifies <paramref name="password"/>; with no stored hash (unknown email) it still spends the same time, then fails.</summary>
    public static bool Verify(string? storedHash, string password)
    {
        var result = Hasher.VerifyHashedPassword(Subject, storedHash ?? DummyHash, password);
        return storedHash is not null && result != PasswordVerificationResult.Failed;
    }
}
