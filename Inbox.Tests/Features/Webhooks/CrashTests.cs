using Inbox.Features.Webhooks;

namespace Inbox.Tests.Features.Webhooks;

/// <summary>
/// At least once, across a crash: a service process killed while its webhook post is in flight. The process is
/// real and killed with SIGKILL, so the open attempt in the log is what the service itself wrote before posting,
/// and nothing in it got the chance to record an outcome. The test class's own service is the instance that
/// comes next, on the same database.
/// </summary>
public sealed class CrashTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task A_post_cut_by_a_crash_is_logged_as_unknown_and_sent_again_under_the_same_webhook_id()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));

        await PostAndDieAsync(receiver);
        var open = Assert.Single(await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}"));
        Assert.Null(open["statusCode"]);
        Assert.Equal(Deliveries.InProgress, open["error"]!.GetValue<string>());

        await app.WithClockRestoredAsync(async () =>
        {
            // The killed process's lease (its post timeout and a minute) runs out; this instance takes the delivery over.
            app.Clock.Reset(SystemClock.Instance.GetCurrentInstant() + Duration.FromSeconds(75));
            var run = await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal((0, 1, 0), (run.Checked, run.Notified, run.Failed));

            var posts = receiver.Requests;
            Assert.Equal(2, posts.Count);
            Assert.Equal(posts[0].Id, posts[1].Id);
            Assert.Equal(posts[0].Body, posts[1].Body);
            StandardWebhooks.AssertSigned(posts[1], secret, app.Clock.GetCurrentInstant());

            var log = await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}");
            Assert.Equal([2, 1], log.Select(n => n["attempt"]!.GetValue<int>()));
            Assert.All(log, n => Assert.Equal(posts[0].Id, n["eventId"]!.GetValue<string>()));
            var (retry, crashed) = (log[0], log[1]);
            Assert.Equal(200, retry["statusCode"]!.GetValue<int>());
            Assert.Null(crashed["statusCode"]);
            Assert.Equal(Deliveries.ProcessStopped, crashed["error"]!.GetValue<string>());
            // Stamped when it was sent, by the process that sent it: no later than the retry.
            Assert.True(crashed["sentAt"]!.GetValue<DateTimeOffset>() <= retry["sentAt"]!.GetValue<DateTimeOffset>());
        });
    }

    /// <summary>Deleting the endpoint gives its deliveries up, so nobody would take this one over: the open attempt is closed then.</summary>
    [Fact]
    public async Task An_attempt_left_open_by_a_crash_is_closed_when_its_endpoint_is_deleted()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));
        await PostAndDieAsync(receiver);

        await app.WithClockRestoredAsync(async () =>
        {
            app.Clock.Reset(SystemClock.Instance.GetCurrentInstant() + Duration.FromSeconds(75));
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/webhooks/endpoints/{endpointId}")).StatusCode);

            var closed = Assert.Single(await WebhookApi.NotificationsAsync(client));
            Assert.Null(closed["statusCode"]);
            Assert.Equal(Deliveries.ProcessStopped, closed["error"]!.GetValue<string>());
            Assert.Single(receiver.Requests);
        });
    }

    /// <summary>
    /// A separate service process runs a cron sweep on this test's database; the receiver holds its post, and the
    /// process is killed with the post in flight.
    /// </summary>
    async Task PostAndDieAsync(WebhookReceiver receiver)
    {
        await using var doomed = await InboxProcess.StartAsync(app.ConnectionString, new Dictionary<string, string>
        {
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:SweepInterval"] = "1.00:00:00",
            ["Cron:Secret"] = WebhookApp.CronSecret,
        });
        using var cron = doomed.Client();
        cron.DefaultRequestHeaders.Add("X-Cron-Secret", WebhookApp.CronSecret);
        var sweep = cron.PostAsync("/api/cron/check-overdue", null);

        await receiver.WaitForAsync(1);
        await doomed.KillAsync();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sweep);
    }
}

/// <summary>The test route's post cut because the admin's request ended (the caller left): an unknown outcome too.</summary>
public sealed class CutRequestTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task A_test_post_cut_by_the_caller_leaving_is_logged_as_unknown_and_sent_again_under_its_webhook_id()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);

        using var leaving = new CancellationTokenSource();
        var test = client.PostAsync($"/api/webhooks/endpoints/{endpointId}/test", null, leaving.Token);
        await receiver.WaitForAsync(1);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test);

        var cut = await Eventually.SingleAsync(async () =>
            (await WebhookApi.NotificationsAsync(client)).Where(n => n["error"]?.GetValue<string>() == WebhookSender.Cancelled).ToList());
        Assert.Null(cut["statusCode"]);

        // Due again at once: the sweep sends it under the same webhook-id.
        await app.Sweep.RunOnceAsync(CancellationToken.None);
        var posts = receiver.Requests;
        Assert.Equal(2, posts.Count);
        Assert.Equal(posts[0].Id, posts[1].Id);
        Assert.Equal([2, 1], (await WebhookApi.NotificationsAsync(client)).Select(n => n["attempt"]!.GetValue<int>()));
    }
}
