using Inbox.Features.Webhooks;
using Inbox.Tests.Features.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Inbox.Tests.Features.Cron;

/// <summary>
/// The service with a 2 s shutdown timeout (15 s in production) and a post timeout far beyond it, so a receiver
/// that holds a post keeps a sweep running past the shutdown timeout.
/// </summary>
public class ShortShutdownApp : WebhookApp
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    public ShortShutdownApp() => With("Webhooks:PostTimeout", "00:01:00");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout));
    }
}

public sealed class ShutdownTests(ShortShutdownApp app) : IClassFixture<ShortShutdownApp>
{
    /// <summary>
    /// The host stops while a cron sweep is posting to a receiver that never answers. The request outlives the
    /// shutdown timeout and is cut; the host still stops without an exception, well within a bound, and the cut
    /// post is in the delivery log as an attempt of unknown outcome, to be sent again under the same webhook-id
    /// (here by the next instance on the same database).
    /// </summary>
    [Fact]
    public async Task Stopping_during_a_sweep_that_outlasts_the_shutdown_timeout_stops_cleanly_and_logs_the_cut_post()
    {
        Assert.Equal(ShortShutdownApp.ShutdownTimeout, app.Service<IOptions<HostOptions>>().Value.ShutdownTimeout);
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));
        var cron = app.Client();
        cron.DefaultRequestHeaders.Add("X-Cron-Secret", WebhookApp.CronSecret);
        var sweep = cron.PostAsync("/api/cron/check-overdue", null);
        await receiver.WaitForAsync(1);

        // Bounded, not timed: the shutdown timeout, Kestrel's second for aborted connections, the sweep's own short
        // wait for the cut attempt to be written, and slack for a busy machine.
        var stop = app.Host.StopAsync();
        var failure = await Record.ExceptionAsync(() => stop.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(failure is TimeoutException, "the host did not stop within 10 s");
        Assert.True(failure is null, $"stopping the host threw: {failure}");
        // The request was cut, not answered: the caller sees the connection end, never a 200 with counts.
        try
        {
            var answer = await sweep.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotEqual(HttpStatusCode.OK, answer.StatusCode);
        }
        catch (HttpRequestException)
        {
        }

        // The next instance on the same database shows the cut attempt, then sends the event again at once.
        var next = new WebhookApp(app.Clock);
        next.With("DATABASE_URL", app.ConnectionString);
        await next.InitializeAsync();
        await using (next)
        {
            // Kestrel waits a second for cut requests to end; on a busy machine the write of the cut attempt may land
            // just after the host stopped waiting.
            var cut = await Eventually.SingleAsync(async () => (await WebhookApi.NotificationsAsync(next.ClientFor(admin), $"?ticketId={ticketId}"))
                .Where(n => n["error"]?.GetValue<string>() == WebhookSender.Stopping).ToList());
            Assert.Null(cut["statusCode"]);
            Assert.Equal(1, cut["attempt"]!.GetValue<int>());

            var run = await next.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal(1, run.Notified);
            var posts = receiver.Requests;
            Assert.Equal(2, posts.Count);
            Assert.Equal(posts[0].Id, posts[1].Id);
            StandardWebhooks.AssertSigned(posts[1], secret, app.Clock.GetCurrentInstant());
            var log = await WebhookApi.NotificationsAsync(next.ClientFor(admin), $"?ticketId={ticketId}");
            Assert.Equal([2, 1], log.Select(n => n["attempt"]!.GetValue<int>()));
            Assert.Equal(200, log[0]["statusCode"]!.GetValue<int>());
        }
    }
}
