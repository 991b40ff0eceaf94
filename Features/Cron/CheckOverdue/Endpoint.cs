using System.Security.Cryptography;
using System.Text;
using Inbox.Features.Tickets.Overdue;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Cron.CheckOverdue;

/// <summary>
/// The manual (external cron) trigger of the overdue sweep: runs one sweep now (its claims, then the webhook
/// engine's posts of everything due) and answers its counts. Anonymous but for <c>X-Cron-Secret</c>, compared in
/// constant time; 401 when it is missing or wrong, and for everyone when no <c>Cron:Secret</c> is configured.
/// Rate-limited per client IP. Running it during a background sweep, or on several instances, never posts a
/// notification twice: the database decides (see OverdueSweep and WebhookDispatcher).
/// </summary>
public sealed class Endpoint(OverdueSweep sweep, IOptions<CronOptions> options) : EndpointWithoutRequest<Response>
{
    public const string SecretHeader = "X-Cron-Secret";

    public override void Configure()
    {
        Post("/api/cron/check-overdue");
        AllowAnonymous();
        Options(b => b.RequireRateLimiting(CronOptions.RateLimitPolicy));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (!SecretMatches(options.Value.Secret, HttpContext.Request.Headers[SecretHeader].ToString()))
            ThrowError($"Missing or wrong {SecretHeader}.", StatusCodes.Status401Unauthorized);
        var result = await sweep.RunOnceAsync(ct);
        // Cut (the host stopped past its shutdown timeout, or the caller left): the sweep has written what it was
        // posting as interrupted, and there is nobody to answer.
        if (ct.IsCancellationRequested) return;
        await Send.OkAsync(new Response(result.Checked, result.Notified, result.Failed, result.Skipped), ct);
    }

    /// <summary>Hashing both sides first gives FixedTimeEquals equal lengths, so not even the secret's length leaks.</summary>
    static bool SecretMatches(string? configured, string presented) =>
        !string.IsNullOrEmpty(configured) && presented.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(configured)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
