namespace Inbox.Features.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section (the first four names are part of the contract).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How often the overdue sweep runs, and how often the dispatcher looks for due retries and applies retention.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The pause between two posts of one dispatcher run, so a burst of events does not flood a receiver.</summary>
    public TimeSpan DelayBetweenPosts { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Delivery log rows older than this are deleted by the dispatcher (and closed overdue windows by the sweep).</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>Allow URLs that resolve to loopback, private, link-local or metadata addresses (tests, local development).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>One attempt (connect, send, headers and the first 1 KB of the answer) is cut after this.</summary>
    public TimeSpan PostTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most (ticket, endpoint) pairs one sweep run claims, and most posts one dispatcher run makes; the rest wait for the next run.</summary>
    public int BatchSize { get; set; } = 500;

    public Duration Retention => Duration.FromDays(RetentionDays);
}
