using Inbox.Infrastructure.Events;

namespace Inbox.Features.Realtime;

/// <summary>
/// All of realtime's wiring: its options, its singletons, its hosted services, and (in
/// <see cref="RealtimeSubscriptions"/>) what is subscribed to what. No realtime type subscribes to anything in its
/// constructor, so this file is the one place to look.
/// </summary>
public static class RealtimeSetup
{
    public static IServiceCollection AddRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeOptions>()
            .Bind(configuration.GetSection(RealtimeOptions.Section))
            .Validate(o => o.HeartbeatSeconds >= 1, "Realtime:HeartbeatSeconds must be at least 1.")
            .Validate(o => o.SendQueueCapacity >= 1, "Realtime:SendQueueCapacity must be at least 1.")
            .Validate(o => o.FramesPerSecond is >= 1 and <= RealtimeOptions.MaxFramesPerSecond,
                $"Realtime:FramesPerSecond must be between 1 and {RealtimeOptions.MaxFramesPerSecond}.")
            .Validate(o => o.TypingRelayInterval >= TimeSpan.Zero && o.TypingRelayInterval <= TimeSpan.FromHours(1),
                "Realtime:TypingRelayInterval must be between 00:00:00 and 01:00:00.")
            .ValidateOnStart();
        services.AddSingleton<RealtimeInstance>();
        services.AddSingleton<PresenceChanges>();
        services.AddSingleton<ConnectionRegistry>();
        // First of realtime's hosted services, so its subscriptions hold before any of the others starts.
        services.AddHostedService<RealtimeSubscriptions>();
        services.AddSingleton<PresenceWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceWriter>());
        services.AddSingleton<Backplane>();
        services.AddHostedService(sp => sp.GetRequiredService<Backplane>());
        services.AddSingleton<FrameHandler>();
        // The inbox events (messages, conversation updates, read receipts, unread counts) become frames.
        services.AddSingleton<IInboxEventSubscriber, RealtimeEvents>();
        services.AddSingleton<RealtimeSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RealtimeSweeper>());
        return services;
    }

    public static WebApplication UseRealtime(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseMiddleware<RealtimeMiddleware>();
        return app;
    }
}

/// <summary>
/// What realtime subscribes to, made once at start-up: every frame this instance broadcasts goes to the backplane
/// for the other instances, and a session that ends (logout, a reused refresh token, a deactivated user, on any
/// instance) closes its sockets here with 1008. The subscriptions last as long as the singletons they join, so
/// stopping leaves them in place.
/// </summary>
sealed class RealtimeSubscriptions(ConnectionRegistry registry, Backplane backplane, SessionRevocations revocations) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.Broadcasting += backplane.Forward;
        revocations.SessionRevoked += registry.CloseSession;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
