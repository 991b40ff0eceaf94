using System.Threading.RateLimiting;
using Inbox.Features.Cron;
using Inbox.Features.Tickets.Overdue;
using Microsoft.AspNetCore.RateLimiting;

namespace Inbox.Features.Webhooks;

public static class WebhookSetup
{
    /// <summary>Everything overdue-ticket webhooks need: options, the guarded HttpClient, the sweep, the cron rate limit.</summary>
    public static IServiceCollection AddOverdueWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "Webhooks:SweepInterval must be positive.")
            .Validate(o => o.DelayBetweenPosts >= TimeSpan.Zero, "Webhooks:DelayBetweenPosts must not be negative.")
            .Validate(o => o.RetentionDays >= 1, "Webhooks:RetentionDays must be at least 1.")
            .Validate(o => o.PostTimeout > TimeSpan.Zero, "Webhooks:PostTimeout must be positive.")
            .Validate(o => o.BatchSize >= 1, "Webhooks:BatchSize must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<CronOptions>()
            .Bind(configuration.GetSection(CronOptions.Section))
            .Validate(o => o.RequestsPerMinute >= 1, "Cron:RequestsPerMinute must be at least 1.")
            .ValidateOnStart();

        services.AddHttpClient(WebhookSender.ClientName, client =>
            {
                // The Polly timeout in WebhookSender bounds each attempt; HttpClient's own would only race it.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Inbox-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // A proxy would be what the connect callback checks, not the receiver.
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = PublicNetwork.ConnectCallback(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.AllowPrivateNetworks),
                // New connections re-resolve and re-check the host, so a DNS change is noticed within this.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<OverdueSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<OverdueSweep>());

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
