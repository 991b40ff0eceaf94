namespace Inbox.Features.Cron;

/// <summary>The <c>Cron</c> configuration section.</summary>
public sealed class CronOptions
{
    public const string Section = "Cron";

    /// <summary>The <c>X-Cron-Secret</c> an external scheduler must send; unset, the cron route answers 401 to everyone.</summary>
    public string? Secret { get; set; }

    /// <summary>Calls per minute and client IP before 429 (an external cron calls every few minutes).</summary>
    public int RequestsPerMinute { get; set; } = 6;

    /// <summary>The rate-limiter policy of the cron routes.</summary>
    public const string RateLimitPolicy = "cron-per-ip";
}
