using System.Threading.Channels;

namespace Inbox.Infrastructure.Events;

/// <summary>
/// An event of one account, raised once after the change it describes has committed. The events themselves are
/// feature types (Features/Events); this folder only carries them.
/// </summary>
public abstract record InboxEvent(Guid AccountId);

/// <summary>
/// The one publisher of inbox events. <see cref="Publish"/> never blocks and never throws: call it only after the
/// transaction that made the change has committed, so no subscriber ever sees a change that was rolled back.
/// </summary>
public interface IInboxEvents
{
    void Publish(InboxEvent e);
}

/// <summary>
/// Receives every published event, in publish order, on its own background loop. A subscriber that falls more than
/// <see cref="InboxEventBus.QueueCapacity"/> events behind loses the oldest ones (it is told how many in the log)
/// rather than slowing down requests or the other subscribers.
/// </summary>
public interface IInboxEventSubscriber
{
    ValueTask HandleAsync(InboxEvent e, CancellationToken ct);
}

/// <summary>
/// The default <see cref="IInboxEvents"/>: an in-process fan-out with one bounded queue and one delivery loop per
/// registered <see cref="IInboxEventSubscriber"/>. Events raised before the host starts wait in the queues.
/// </summary>
public sealed class InboxEventBus : BackgroundService, IInboxEvents
{
    public const int QueueCapacity = 10_000;

    readonly Lazy<(IInboxEventSubscriber Subscriber, Channel<InboxEvent> Queue)[]> _subscribers;
    readonly ILogger<InboxEventBus> _logger;
    long _dropped;

    // Subscribers are resolved on first use, not in the constructor: a subscriber may publish too (the unread
    // counter answers the events it hears with unread.updated), and so depend on this bus.
    public InboxEventBus(IServiceProvider services, ILogger<InboxEventBus> logger)
    {
        _logger = logger;
        _subscribers = new Lazy<(IInboxEventSubscriber Subscriber, Channel<InboxEvent> Queue)[]>(() => services.GetServices<IInboxEventSubscriber>()
            .Select(s => (s, Channel.CreateBounded<InboxEvent>(new BoundedChannelOptions(QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            }, _ => Interlocked.Increment(ref _dropped))))
            .ToArray());
    }

    public void Publish(InboxEvent e)
    {
        foreach (var (_, queue) in _subscribers.Value)
            queue.Writer.TryWrite(e);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_subscribers.Value.Select(s => DeliverAsync(s.Subscriber, s.Queue.Reader, stoppingToken)));

    async Task DeliverAsync(IInboxEventSubscriber subscriber, ChannelReader<InboxEvent> queue, CancellationToken ct)
    {
        try
        {
            await foreach (var e in queue.ReadAllAsync(ct))
            {
                var dropped = Interlocked.Exchange(ref _dropped, 0);
                if (dropped > 0)
                    _logger.LogWarning("{Count} inbox events were dropped because a subscriber fell {Capacity} events behind", dropped, QueueCapacity);
                try
                {
                    await subscriber.HandleAsync(e, ct);
                }
                catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    _logger.LogError(error, "Inbox event subscriber {Subscriber} failed on {Event}", subscriber.GetType().Name, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}

public static class InboxEventsSetup
{
    public static IServiceCollection AddInboxEvents(this IServiceCollection services)
    {
        services.AddSingleton<InboxEventBus>();
        services.AddSingleton<IInboxEvents>(sp => sp.GetRequiredService<InboxEventBus>());
        services.AddHostedService(sp => sp.GetRequiredService<InboxEventBus>());
        return services;
    }
}
