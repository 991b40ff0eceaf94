using Inbox.Tests.Features.Webhooks;

namespace Inbox.Tests.Features.Tickets.Overdue;

/// <summary>
/// Several sweepers on one database: a second service instance (its own process state, same database and
/// clock), and the cron trigger during a sweep. The receiver counts what was really posted.
/// </summary>
public sealed class ConcurrencyTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    async Task<WebhookApp> SecondInstanceAsync()
    {
        var second = new WebhookApp(app.Clock);
        second.With("DATABASE_URL", app.ConnectionString);
        await second.InitializeAsync();
        return second;
    }

    [Fact]
    public async Task Two_instances_sweeping_at_once_post_fifty_overdue_tickets_exactly_fifty_times()
    {
        const int count = 50;
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var now = app.Clock.GetCurrentInstant();
        var tickets = new List<Guid>();
        for (var i = 0; i < count; i++)
            tickets.Add(await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, Duration.FromHours(1), $"Ticket {i}"));
        await using var second = await SecondInstanceAsync();

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Task.Run(async () => { await gate.Task; return await app.Sweep.RunOnceAsync(CancellationToken.None); });
        var other = Task.Run(async () => { await gate.Task; return await second.Sweep.RunOnceAsync(CancellationToken.None); });
        gate.SetResult();
        var results = await Task.WhenAll(first, other);

        var posts = receiver.Requests;
        Assert.Equal(count, posts.Count);
        Assert.Equal(count, posts.Select(p => p.Id).Distinct().Count());
        Assert.Equal(tickets.Order(), posts.Select(p => JsonNode.Parse(p.Body)!["data"]!["ticket"]!["id"]!.GetValue<Guid>()).Order());
        Assert.Equal(count, results.Sum(r => r.Notified));
        Assert.Equal(count, (await WebhookApi.NotificationsAsync(client, "?limit=100")).Count);
    }

    [Fact]
    public async Task The_cron_trigger_during_a_sweep_posts_each_notification_once()
    {
        const int count = 20;
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var now = app.Clock.GetCurrentInstant();
        for (var i = 0; i < count; i++)
            await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, Duration.FromHours(1), $"Ticket {i}");
        var cron = app.Client();
        cron.DefaultRequestHeaders.Add("X-Cron-Secret", WebhookApp.CronSecret);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sweep = Task.Run(async () => { await gate.Task; await app.Sweep.RunOnceAsync(CancellationToken.None); });
        var trigger = Task.Run(async () => { await gate.Task; return await cron.PostAsync("/api/cron/check-overdue", null); });
        gate.SetResult();
        await sweep;
        Assert.Equal(HttpStatusCode.OK, (await trigger).StatusCode);

        Assert.Equal(count, receiver.Requests.Count);
        Assert.Equal(count, receiver.Requests.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_retry_survives_a_restart_and_is_sent_by_the_next_instance_under_the_same_id()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(500);
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));

        await app.WithClockRestoredAsync(async () =>
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Single(receiver.Requests);

            // A new instance knows nothing in memory: the retry is a row.
            app.Clock.Advance(Duration.FromSeconds(40));
            await using (var restarted = await SecondInstanceAsync())
                await restarted.Sweep.RunOnceAsync(CancellationToken.None);
            await app.Sweep.RunOnceAsync(CancellationToken.None);

            var posts = receiver.Requests;
            Assert.Equal(2, posts.Count);
            Assert.Equal(posts[0].Id, posts[1].Id);
            StandardWebhooks.AssertSigned(posts[1], secret, app.Clock.GetCurrentInstant());
        });
    }
}
