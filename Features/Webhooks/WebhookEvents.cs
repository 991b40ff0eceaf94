using System.Security.Cryptography;
using System.Text;

namespace Inbox.Features.Webhooks;

/// <summary>The event types, and the identifiers and secrets of the Standard Webhooks scheme.</summary>
public static class WebhookEvents
{
    public const string TicketOverdue = "ticket.overdue";
    public const string ContactCreated = "contact.created";
    public const string ContactUpdated = "contact.updated";
    public const string LeadStatusChanged = "lead.status_changed";
    /// <summary>Sent only by the test route; endpoints do not subscribe to it.</summary>
    public const string Test = "webhook.test";

    /// <summary>The events an endpoint may subscribe to.</summary>
    public static readonly IReadOnlyList<string> Subscribable = [TicketOverdue, ContactCreated, ContactUpdated, LeadStatusChanged];

    public const string SecretPrefix = "whsec_";

    /// <summary>The <c>webhook-id</c> of one event: the same for every attempt and every replay of it.</summary>
    public static string NewEventId() => $"msg_{Guid.CreateVersion7()}";

    /// <summary><c>whsec_</c> and the base64 of 32 random bytes; those bytes are the HMAC key.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> and the base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>, keyed
/// with the base64-decoded part of the secret after <c>whsec_</c>.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(string secret, string eventId, long unixSeconds, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(WebhookEvents.SecretPrefix, StringComparison.Ordinal)
            ? secret[WebhookEvents.SecretPrefix.Length..]
            : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{eventId}.{unixSeconds}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
