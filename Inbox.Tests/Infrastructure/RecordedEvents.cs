using Inbox.Infrastructure.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Infrastructure;

/// <summary>The service with a <see cref="RecordingSubscriber"/> plugged into its event publisher.</summary>
public class InboxAppWithEvents : InboxApp
{
    public RecordingSubscriber Events { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInboxEventSubscriber>(Events));
    }
}

/// <summary>
/// Records every event the service publishes. Delivery is asynchronous but in publish order, so a test waits for
/// the event it expects; to show that something was NOT published, it waits for a later "fence" event instead
/// and then looks at what came before it.
/// </summary>
public sealed class RecordingSubscriber : IInboxEventSubscriber
{
    // A safety net so a missing event fails the test with a message instead of hanging the run.
    static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    readonly Lock _gate = new();
    readonly List<InboxEvent> _events = [];
    readonly List<(Func<InboxEvent, bool> Match, TaskCompletionSource<InboxEvent> Done)> _waiters = [];

    public ValueTask HandleAsync(InboxEvent e, CancellationToken ct)
    {
        lock (_gate)
        {
            _events.Add(e);
            foreach (var waiter in _waiters.Where(w => w.Match(e)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(e);
            }
        }
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<InboxEvent> All
    {
        get
        {
            lock (_gate) return _events.ToList();
        }
    }

    public IReadOnlyList<T> Of<T>(Func<T, bool>? match = null) where T : InboxEvent =>
        All.OfType<T>().Where(e => match?.Invoke(e) ?? true).ToList();

    /// <summary>The first recorded event of type <typeparamref name="T"/> that matches, waiting for it if needed.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match) where T : InboxEvent
    {
        Task<InboxEvent> wait;
        lock (_gate)
        {
            if (_events.OfType<T>().FirstOrDefault(match) is { } seen) return seen;
            var done = new TaskCompletionSource<InboxEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((e => e is T t && match(t), done));
            wait = done.Task;
        }
        try
        {
            return (T)await wait.WaitAsync(GiveUpAfter);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} event matching the test's condition was published. Recorded: {string.Join(", ", All)}");
        }
    }

    /// <summary>The events recorded after <paramref name="start"/> (an index into <see cref="All"/>) and before <paramref name="fence"/>.</summary>
    public IReadOnlyList<InboxEvent> Between(int start, InboxEvent fence)
    {
        var all = All.ToList();
        var end = all.FindIndex(e => ReferenceEquals(e, fence));
        return all.Skip(start).Take(end - start).ToList();
    }
}
