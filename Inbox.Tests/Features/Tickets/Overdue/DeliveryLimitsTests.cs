using Inbox.Tests.Features.Webhooks;

namespace Inbox.Tests.Features.Tickets.Overdue;

/// <summary>Webhook posts cut after one second (Webhooks:PostTimeout) instead of ten, so a hanging receiver costs the test one second.</summary>
public sealed class ShortTimeoutApp : WebhookApp
{
    public ShortTimeoutApp() => With("Webhooks:PostTimeout", "00:00:01");
}

public sealed class TimeoutTests(ShortTimeoutApp app) : IClassFixture<ShortTimeoutApp>
{
    [Fact]
    public async Task A_receiver_that_hangs_is_cut_at_the_timeout_and_retried_under_the_same_id()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));

        await app.WithClockRestoredAsync(async () =>
        {
            var run = await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal((1, 0, 1), (run.Checked, run.Notified, run.Failed));
            var cut = Assert.Single(await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}"));
            Assert.Null(cut["statusCode"]);
            Assert.Equal("timed out after 1000 ms", cut["error"]!.GetValue<string>());
            // Whole milliseconds of a timer that may fire a hair early: the point is that the timeout, not the receiver, ended it.
            Assert.True(cut["durationMs"]!.GetValue<int>() >= 950, $"cut after {cut["durationMs"]} ms");

            app.Clock.Advance(Duration.FromSeconds(40));
            var retry = await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal((0, 1, 0), (retry.Checked, retry.Notified, retry.Failed));
            var posts = receiver.Requests;
            Assert.Equal(2, posts.Count);
            Assert.Equal(posts[0].Id, posts[1].Id);
            StandardWebhooks.AssertSigned(posts[1], secret, app.Clock.GetCurrentInstant());
        });
    }
}

/// <summary>Posts 200 ms apart (the default of Webhooks:DelayBetweenPosts), which is what is under test here.</summary>
public sealed class PacedApp : WebhookApp
{
    public PacedApp() => With("Webhooks:DelayBetweenPosts", "00:00:00.200");
}

public sealed class PacingTests(PacedApp app) : IClassFixture<PacedApp>
{
    [Fact]
    public async Task Posts_of_one_sweep_are_at_least_the_configured_pause_apart()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var now = app.Clock.GetCurrentInstant();
        for (var i = 0; i < 3; i++)
            await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, Duration.FromHours(1), $"Ticket {i}");

        await app.Sweep.RunOnceAsync(CancellationToken.None);

        var posts = receiver.Requests;
        Assert.Equal(3, posts.Count);
        // A lower bound only: the pause comes between two posts, so arrivals can never be closer than it.
        for (var i = 1; i < posts.Count; i++)
            Assert.True(posts[i].ArrivedAt - posts[i - 1].ArrivedAt >= TimeSpan.FromMilliseconds(200),
                $"posts {i - 1} and {i} arrived {(posts[i].ArrivedAt - posts[i - 1].ArrivedAt).TotalMilliseconds} ms apart");
    }
}

/// <summary>The background loop left running on a short interval: the one place the timer itself is under test.</summary>
public sealed class FastSweepApp : WebhookApp
{
    public FastSweepApp() => With("Webhooks:SweepInterval", "00:00:00.100");
}

public sealed class BackgroundTests(FastSweepApp app) : IClassFixture<FastSweepApp>
{
    [Fact]
    public async Task The_background_service_sweeps_by_itself_every_interval()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);

        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));

        // Nobody calls the sweep here: the timer does.
        var post = (await receiver.WaitForAsync(1))[0];
        StandardWebhooks.AssertSigned(post, secret, app.Clock.GetCurrentInstant());
        var logged = await Eventually.SingleAsync(async () => await WebhookApi.NotificationsAsync(client));
        Assert.Equal(post.Id, logged["eventId"]!.GetValue<string>());
    }
}
