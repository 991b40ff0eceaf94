using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// The connection registry's clock-driven work, once a second: typing starts not refreshed within 6 s become stops,
/// connections silent for twice the heartbeat are dropped (their users go offline when it was their last), and
/// connections whose frame stopped arriving halfway are closed with 1002.
/// </summary>
public sealed class RealtimeSweeper(ConnectionRegistry registry, IOptions<RealtimeOptions> options, ILogger<RealtimeSweeper> logger) : BackgroundService
{
    static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    readonly Duration _silence = Duration.FromSeconds(2 * options.Value.HeartbeatSeconds);

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
                    logger.LogError(e, "Realtime sweep failed");
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
        registry.ExpireTyping();
        registry.DropSilent(_silence);
        registry.DropStalled(RealtimeOptions.IncompleteFrameTimeout);
    }
}
