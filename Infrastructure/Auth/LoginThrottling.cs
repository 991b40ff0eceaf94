using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Inbox.Infrastructure.Auth;

/// <summary>
/// Brute-force brakes on login and refresh, from System.Threading.RateLimiting: per client IP through ASP.NET
/// Core's rate-limiting middleware (policy <see cref="PerIpPolicy"/>), and per email (or refresh token) inside the
/// endpoint, where the body has been read. Over either limit: 429 problem details with Retry-After.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    public const string PerIpPolicy = "login-per-ip";

    readonly PartitionedRateLimiter<string> _perSubject;

    public LoginThrottle(IOptions<AuthOptions> options)
    {
        var limit = options.Value.LoginAttemptsPerMinutePerEmail;
        _perSubject = PartitionedRateLimiter.Create<string, string>(subject =>
            RateLimitPartition.GetFixedWindowLimiter(subject, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
    }

    /// <summary>Counts one attempt for <paramref name="subject"/> (a lower-cased email, or a refresh-token hash).</summary>
    public bool TryAttempt(string subject, out TimeSpan retryAfter)
    {
        using var lease = _perSubject.AttemptAcquire(subject);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _perSubject.Dispose();

}

public static class LoginThrottlingSetup
{
    public static IServiceCollection AddInboxRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LoginThrottle>();
        var perIp = configuration.GetValue($"{AuthOptions.Section}:{nameof(AuthOptions.LoginAttemptsPerMinutePerIp)}", 100);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                return WriteTooManyAsync(context.HttpContext, wait);
            };
            options.AddPolicy(LoginThrottle.PerIpPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perIp,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    public static ValueTask WriteTooManyAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return new ValueTask(Problem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many attempts; wait before trying again."));
    }
}
