using Microsoft.Extensions.Hosting;
using NodaTime.Testing;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// The service set up for webhook tests: receivers on 127.0.0.1 allowed, the background sweep out of the way
/// (tests call OverdueSweep.RunOnceAsync), no pause between posts, a cron secret, and a FakeClock. The clock
/// starts at the real time (whole seconds) because access tokens are issued by it and checked against real
/// time: a test signs its users in first, then moves the clock, and puts it back when done.
/// </summary>
public class WebhookApp : InboxApp
{
    public const string CronSecret = "test-cron-secret";

    public WebhookApp() : this(null)
    {
    }

    /// <summary>A second instance can share the first one's clock (and, through DATABASE_URL, its database).</summary>
    internal WebhookApp(FakeClock? clock)
    {
        Clock = clock ?? new FakeClock(Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds()));
        With("Webhooks:AllowPrivateNetworks", "true");
        With("Webhooks:SweepInterval", "1.00:00:00");
        With("Webhooks:DelayBetweenPosts", "00:00:00");
        With("Cron:Secret", CronSecret);
        With("Cron:RequestsPerMinute", "1000");
    }

    public new FakeClock Clock
    {
        get => base.Clock!;
        private init => base.Clock = value;
    }

    public Inbox.Features.Tickets.Overdue.OverdueSweep Sweep => Service<Inbox.Features.Tickets.Overdue.OverdueSweep>();

    /// <summary>The running host, for tests that stop it themselves (shutdown while a post is in flight).</summary>
    public IHost Host { get; private set; } = null!;

    protected override IHost CreateHost(IHostBuilder builder) => Host = base.CreateHost(builder);

    /// <summary>Runs <paramref name="body"/> and puts the clock back where it was, whatever happened.</summary>
    public async Task WithClockRestoredAsync(Func<Task> body)
    {
        var start = Clock.GetCurrentInstant();
        try
        {
            await body();
        }
        finally
        {
            Clock.Reset(start);
        }
    }
}
