using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Inbox.Features.Cron;

public static class CronSetup
{
    /// <summary>The cron routes' options and their per-IP rate limit.</summary>
    public static IServiceCollection AddCron(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CronOptions>()
            .Bind(configuration.GetSection(CronOptions.Section))
            .Validate(o => o.RequestsPerMinute >= 1, "Cron:RequestsPerMinute must be at least 1.")
            .ValidateOnStart();

        var perMinute = configuration.GetValue($"{CronOptions.Section}:{nameof(CronOptions.RequestsPerMinute)}", 6);
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(CronOptions.RateLimitPolicy, context =>
            RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));
        return services;
    }
}
