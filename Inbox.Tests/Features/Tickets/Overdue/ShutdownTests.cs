using Inbox.Features.Webhooks;
using Inbox.Tests.Features.Cron;
using Inbox.Tests.Features.Webhooks;
using Microsoft.Extensions.Hosting;

namespace Inbox.Tests.Features.Tickets.Overdue;

/// <summary>The background loop left running on a short interval, with the short shutdown timeout.</summary>
public sealed class StoppedSweepApp : ShortShutdownApp
{
    public StoppedSweepApp() => With("Webhooks:SweepInterval", "00:00:00.100");
}

public sealed class ShutdownTests(StoppedSweepApp app) : IClassFixture<StoppedSweepApp>
{
    /// <summary>
    /// The host stops while the background sweep (not a request) is posting to a receiver that holds the post. The
    /// stop cuts the post at once; the attempt is in the log with an unknown outcome, and the next instance sends
    /// the event again under the same webhook-id.
    /// </summary>
    [Fact]
    public async Task Stopping_while_the_background_sweep_posts_logs_the_cut_post_and_the_next_instance_sends_it_again()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));

        // Nobody calls the sweep: the timer does, and the receiver holds what it posts.
        await receiver.WaitForAsync(1);
        var held = Assert.Single(await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}"));
        Assert.Equal(Deliveries.InProgress, held["error"]!.GetValue<string>());

        var failure = await Record.ExceptionAsync(() => app.Host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(failure is null, $"stopping the host threw: {failure}");

        var next = new WebhookApp(app.Clock);
        next.With("DATABASE_URL", app.ConnectionString);
        await next.InitializeAsync();
        await using (next)
        {
            var cut = Assert.Single(await WebhookApi.NotificationsAsync(next.ClientFor(admin), $"?ticketId={ticketId}"));
            Assert.Null(cut["statusCode"]);
            Assert.Equal(WebhookSender.Stopping, cut["error"]!.GetValue<string>());

            await next.Sweep.RunOnceAsync(CancellationToken.None);
            var posts = receiver.Requests;
            Assert.Equal(2, posts.Count);
            Assert.Equal(posts[0].Id, posts[1].Id);
            var log = await WebhookApi.NotificationsAsync(next.ClientFor(admin), $"?ticketId={ticketId}");
            Assert.Equal([(2, 200), (1, (int?)null)], log.Select(n => (n["attempt"]!.GetValue<int>(), n["statusCode"]?.GetValue<int>())));
        }
    }
}
