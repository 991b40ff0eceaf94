using Inbox.Infrastructure.Events;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// The connection registry's clock-driven work, once a second: typing starts not refreshed within 6 s become stops,
/// connections silent for twice the heartbeat are dropped (their users go offline when it was their last), and
/// connections whose frame stopped arriving halfway are closed with 1002.
/// Also closes the sockets of sessions that end.
/// </summary>
public sealed class RealtimeSweeper : BackgroundService
{
    static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    readonly ConnectionRegistry _registry;
    readonly Duration _silence;
    readonly ILogger<RealtimeSweeper> _logger;

    public RealtimeSweeper(ConnectionRegistry registry, SessionRevocations revocations, IOptions<RealtimeOptions> options, ILogger<RealtimeSweeper> logger)
    {
        _registry = registry;
        _logger = logger;
        _silence = Duration.FromSeconds(2 * options.Value.HeartbeatSeconds);
        revocations.SessionRevoked += registry.CloseSession;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    RunOnce();
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Realtime sweep failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public void RunOnce()
    {
        _registry.ExpireTyping();
        _registry.DropSilent(_silence);
        _registry.DropStalled(RealtimeOptions.IncompleteFrameTimeout);
    }
}

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
        services.AddSingleton<PresenceWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceWriter>());
        services.AddSingleton<Backplane>();
        services.AddHostedService(sp => sp.GetRequiredService<Backplane>());
        services.AddSingleton<FrameHandler>();
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
