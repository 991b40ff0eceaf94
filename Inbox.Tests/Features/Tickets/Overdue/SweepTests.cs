using Inbox.Tests.Features.Webhooks;

namespace Inbox.Tests.Features.Tickets.Overdue;

/// <summary>
/// The overdue sweep against real receivers. Tests call RunOnceAsync themselves and move the FakeClock; each test
/// has its own account, endpoint and receiver, so it asserts on what its own receiver got.
/// </summary>
public sealed class SweepTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    static readonly Duration LateBy = Duration.FromMinutes(90);

    [Fact]
    public async Task An_overdue_assigned_ticket_is_notified_once_per_24_hours_with_a_verifiable_signature()
    {
        var admin = await app.SignUpAsync(accountName: "Atelier Dupont", name: "Camille Martin");
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), LateBy);

        // Snapshooter finds the test's name only outside lambdas, so the clock is put back by hand here.
        var start = app.Clock.GetCurrentInstant();
        try
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);

            var first = Assert.Single(receiver.Requests);
            StandardWebhooks.AssertSigned(first, secret, app.Clock.GetCurrentInstant());
            Assert.StartsWith("msg_", first.Id);
            Assert.Equal("application/json", first.ContentType?.Split(';')[0]);
            var body = JsonNode.Parse(first.Body)!;
            Assert.Equal(ticketId, body["data"]!["ticket"]!["id"]!.GetValue<Guid>());
            Assert.Equal(admin.Email, body["data"]!["assignee"]!["email"]!.GetValue<string>());
            Snap.MatchJson(first.Body, null, "email");

            // Within the same 24 h nothing more is sent, however often the sweep runs.
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            app.Clock.Advance(Duration.FromHours(24) - Duration.FromSeconds(1));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Single(receiver.Requests);

            // 24 h after the first notification the ticket, still overdue, is notified again: a new event.
            app.Clock.Advance(Duration.FromSeconds(1));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal(2, receiver.Requests.Count);
            var second = receiver.Requests[1];
            Assert.NotEqual(first.Id, second.Id);
            StandardWebhooks.AssertSigned(second, secret, app.Clock.GetCurrentInstant());
            Assert.Equal(LateBy.TotalSeconds + Duration.FromHours(24).TotalSeconds,
                JsonNode.Parse(second.Body)!["data"]!["overdueBySeconds"]!.GetValue<double>());
        }
        finally
        {
            app.Clock.Reset(start);
        }
    }

    [Fact]
    public async Task Unassigned_not_yet_due_and_started_tickets_are_never_notified()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var now = app.Clock.GetCurrentInstant();

        await WebhookApi.OpenOverdueTicketAsync(client, null, now, LateBy, "Unassigned");
        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, -Duration.FromHours(1), "Due in an hour");
        var inProgress = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, LateBy, "In progress");
        await Tickets.TicketApi.WalkAsync(client, inProgress, "diagnostic", "in_progress");
        var waiting = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, LateBy, "Waiting for parts");
        await Tickets.TicketApi.WalkAsync(client, waiting, "diagnostic", "in_progress", "waiting_parts");
        var completed = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, LateBy, "Completed");
        await Tickets.TicketApi.WalkAsync(client, completed, "completed");
        // The control: the one ticket of this account that must be notified, so the sweep is seen to run.
        var control = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, LateBy, "Overdue and assigned");

        await app.WithClockRestoredAsync(async () =>
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            app.Clock.Advance(Duration.FromMinutes(59));
            await app.Sweep.RunOnceAsync(CancellationToken.None);

            var post = Assert.Single(receiver.Requests);
            Assert.Equal(control, JsonNode.Parse(post.Body)!["data"]!["ticket"]!["id"]!.GetValue<Guid>());
        });
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_three_attempts_under_one_webhook_id()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(500, 500);
        var (endpointId, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), LateBy);

        // Snapshooter finds the test's name only outside lambdas, so the clock is put back by hand here.
        var start = app.Clock.GetCurrentInstant();
        try
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Single(receiver.Requests);
            // The retry is not due yet: the sweep does not wait for it, and does not send it early.
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Single(receiver.Requests);

            // 30 s ± 20 %, then 2 min ± 20 %.
            app.Clock.Advance(Duration.FromSeconds(40));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal(2, receiver.Requests.Count);
            app.Clock.Advance(Duration.FromSeconds(150));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal(3, receiver.Requests.Count);

            // Delivered: nothing more.
            app.Clock.Advance(Duration.FromHours(2));
            await app.Sweep.RunOnceAsync(CancellationToken.None);

            var posts = receiver.Requests;
            Assert.Equal(3, posts.Count);
            Assert.Single(posts.Select(p => p.Id).Distinct());
            Assert.Single(posts.Select(p => p.Body).Distinct());
            Assert.Equal(3, posts.Select(p => p.Timestamp).Distinct().Count());
            StandardWebhooks.AssertSigned(posts[0], secret, start);
            StandardWebhooks.AssertSigned(posts[1], secret, start + Duration.FromSeconds(40));
            StandardWebhooks.AssertSigned(posts[2], secret, start + Duration.FromSeconds(190));

            var log = await client.GetAsync($"/api/webhooks/notifications?ticketId={ticketId}");
            await Snap.MatchAsync(log, null, "eventId", "durationMs");
            var items = await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}");
            Assert.Equal([3, 2, 1], items.Select(n => n["attempt"]!.GetValue<int>()));
            Assert.Equal([200, 500, 500], items.Select(n => n["statusCode"]!.GetValue<int>()));
            Assert.All(items, n => Assert.Equal(posts[0].Id, n["eventId"]!.GetValue<string>()));
            Assert.All(items, n => Assert.Equal(endpointId, n["endpointId"]!.GetValue<Guid>()));
        }
        finally
        {
            app.Clock.Reset(start);
        }
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_given_up_after_five_attempts()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(503, 503, 503, 503, 503, 503, 503);
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), LateBy);

        await app.WithClockRestoredAsync(async () =>
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            // Each step is past the longest jittered delay (+20 %) of 30 s, 2 min, 10 min, 1 h.
            foreach (var wait in new[] { Duration.FromSeconds(40), Duration.FromSeconds(150), Duration.FromMinutes(13), Duration.FromMinutes(75) })
            {
                app.Clock.Advance(wait);
                await app.Sweep.RunOnceAsync(CancellationToken.None);
            }
            Assert.Equal(5, receiver.Requests.Count);

            // Given up, and the ticket's window is spent: nothing more until 24 h after the first post.
            app.Clock.Advance(Duration.FromHours(3));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Equal(5, receiver.Requests.Count);
            Assert.Single(receiver.Requests.Select(p => p.Id).Distinct());
            var log = await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}");
            Assert.Equal([5, 4, 3, 2, 1], log.Select(n => n["attempt"]!.GetValue<int>()));
            Assert.All(log, n => Assert.Equal("the receiver answered 503", n["error"]!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task A_410_Gone_disables_the_endpoint_and_stops_its_posts()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(410);
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var now = app.Clock.GetCurrentInstant();
        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, LateBy, "First");
        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, now, LateBy, "Second");

        await app.WithClockRestoredAsync(async () =>
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            app.Clock.Advance(Duration.FromHours(25));
            await app.Sweep.RunOnceAsync(CancellationToken.None);

            // The first post got 410; the second ticket's event, already queued, was given up with the endpoint.
            Assert.Single(receiver.Requests);
            var endpoints = JsonNode.Parse(await client.GetStringAsync("/api/webhooks/endpoints"))!.AsArray();
            var endpoint = Assert.Single(endpoints)!;
            Assert.Equal(endpointId, endpoint["id"]!.GetValue<Guid>());
            Assert.False(endpoint["enabled"]!.GetValue<bool>());
            var log = Assert.Single(await WebhookApi.NotificationsAsync(client));
            Assert.Equal(410, log["statusCode"]!.GetValue<int>());
        });
    }

    [Fact]
    public async Task Log_rows_older_than_the_retention_are_deleted_by_the_sweep()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), LateBy);

        await app.WithClockRestoredAsync(async () =>
        {
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            var first = Assert.Single(await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}"));

            app.Clock.Advance(Duration.FromDays(89));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            Assert.Contains(first["id"]!.GetValue<Guid>(), (await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}")).Select(n => n["id"]!.GetValue<Guid>()));

            // Past 90 days the first row goes; the ticket, still overdue, has just been notified again.
            app.Clock.Advance(Duration.FromDays(2));
            await app.Sweep.RunOnceAsync(CancellationToken.None);
            var left = await WebhookApi.NotificationsAsync(client, $"?ticketId={ticketId}");
            Assert.DoesNotContain(first["id"]!.GetValue<Guid>(), left.Select(n => n["id"]!.GetValue<Guid>()));
            Assert.Equal(2, left.Count);
        });
    }
}
