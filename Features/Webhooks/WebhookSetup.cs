using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks;

public static class WebhookSetup
{
    /// <summary>The webhook engine: its options, the guarded HttpClient, the signed sender and the dispatcher that posts.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "Webhooks:SweepInterval must be positive.")
            .Validate(o => o.DelayBetweenPosts >= TimeSpan.Zero, "Webhooks:DelayBetweenPosts must not be negative.")
            .Validate(o => o.RetentionDays >= 1, "Webhooks:RetentionDays must be at least 1.")
            .Validate(o => o.PostTimeout > TimeSpan.Zero, "Webhooks:PostTimeout must be positive.")
            .Validate(o => o.BatchSize >= 1, "Webhooks:BatchSize must be at least 1.")
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
                ConnectCallback = PublicNetwork.ConnectCallback(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks),
                // New connections re-resolve and re-check the host, so a DNS change is noticed within this.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddSingleton<WebhookSender>();
        // A singleton as well as the hosted loop: features wake it, and the overdue sweep runs it inline.
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
