namespace Inbox.Tests.Features.Webhooks;

/// <summary>
/// Replays are posted by the background service, woken by the replay route, so these tests wait for what the
/// receiver gets and for the log row to appear rather than calling the sweep themselves.
/// </summary>
public sealed class ReplayTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task A_replay_resends_the_event_under_its_original_webhook_id()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));
        await app.Sweep.RunOnceAsync(CancellationToken.None);
        var original = Assert.Single(await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}"));

        var replay = await client.PostAsync($"/api/webhooks/notifications/{original["id"]}/replay", null);

        await Snap.MatchAsync(replay);
        var posts = await receiver.WaitForAsync(2);
        Assert.Equal(posts[0].Id, posts[1].Id);
        Assert.Equal(posts[0].Body, posts[1].Body);
        StandardWebhooks.AssertSigned(posts[1], secret, app.Clock.GetCurrentInstant());
        // The attempt's row is written before the post (statusCode null while it is in flight) and completed after
        // the receiver answered, so wait for the completed row, not just the row.
        var log = await Eventually.SingleAsync(async () =>
            (await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}"))
                .Where(n => n["attempt"]!.GetValue<int>() == 2 && n["statusCode"] is not null).ToList());
        Assert.Equal(original["eventId"]!.GetValue<string>(), log["eventId"]!.GetValue<string>());
        Assert.Equal(200, log["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replaying_to_a_deleted_endpoint_is_a_409_problem()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        await WebhookApi.TestAsync(client, endpointId);
        var notification = Assert.Single(await WebhookApi.NotificationsAsync(client));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/webhooks/endpoints/{endpointId}")).StatusCode);

        var replay = await client.PostAsync($"/api/webhooks/notifications/{notification["id"]}/replay", null);

        await ProblemAssert.IsAsync(replay, HttpStatusCode.Conflict);
        Assert.Single(receiver.Requests);
    }
}
