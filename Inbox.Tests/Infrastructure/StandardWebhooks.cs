using System.Security.Cryptography;
using System.Text;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// A receiver's check of a Standard Webhooks signature, written from the specification independently of the
/// service's signer: the key is the base64-decoded part of the secret after <c>whsec_</c>; the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>; <c>webhook-signature</c> is a space-separated list of
/// <c>v1,&lt;base64 HMAC-SHA256&gt;</c>, any of which may match; the timestamp must be within 5 minutes of now.
/// </summary>
public static class StandardWebhooks
{
    public static readonly Duration Tolerance = Duration.FromMinutes(5);

    public static bool Verify(string secret, string? id, string? timestamp, string? signatures, string body, Instant now)
    {
        if (id is null || timestamp is null || signatures is null || !secret.StartsWith("whsec_", StringComparison.Ordinal)) return false;
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(seconds - now.ToUnixTimeSeconds()) > Tolerance.TotalSeconds) return false;

        byte[] key;
        try { key = Convert.FromBase64String(secret.Substring("whsec_".Length)); }
        catch (FormatException) { return false; }

        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',');
            if (comma < 0 || candidate[..comma] != "v1") continue;
            byte[] presented;
            try { presented = Convert.FromBase64String(candidate[(comma + 1)..]); }
            catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(presented, expected)) return true;
        }
        return false;
    }

    public static void AssertSigned(WebhookReceiver.Received post, string secret, Instant now) =>
        Assert.True(Verify(secret, post.Id, post.Timestamp, post.Signature, post.Body, now),
            $"the signature does not verify: id={post.Id} timestamp={post.Timestamp} signature={post.Signature}");
}
