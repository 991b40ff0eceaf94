using System.Text;

namespace Inbox.Tests.Features.Webhooks;

public sealed class Tests(WebhookApp app) : IClassFixture<WebhookApp>
{
    // Never connected to: with private networks allowed (as in every test but the SSRF ones) a URL is not resolved when saved.
    const string QuietUrl = "http://127.0.0.1:9/hooks/inbox";

    [Fact]
    public async Task Creating_an_endpoint_shows_its_secret_once_and_listing_never_does()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var created = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url = QuietUrl, events = new[] { "ticket.overdue" } });
        await Snap.MatchAsync(created, "created", "secret");
        var secret = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);

        var list = await client.GetAsync("/api/webhooks/endpoints");
        await Snap.MatchAsync(list, "list");
        Assert.DoesNotContain(secret, await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deleting_an_endpoint_stops_its_posts_and_it_leaves_the_list()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(2));

        var deleted = await client.DeleteAsync($"/api/webhooks/endpoints/{endpointId}");

        await Snap.MatchAsync(deleted);
        await app.Sweep.RunOnceAsync(CancellationToken.None);
        Assert.Empty(receiver.Requests);
        Assert.DoesNotContain(endpointId.ToString(), await client.GetStringAsync("/api/webhooks/endpoints"));
        await ProblemAssert.IsAsync(await client.DeleteAsync($"/api/webhooks/endpoints/{endpointId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_test_route_posts_a_signed_webhook_test_event_and_answers_the_result()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);

        var tested = await client.PostAsync($"/api/webhooks/endpoints/{endpointId}/test", null);

        await Snap.MatchAsync(tested, "answer", "durationMs");
        var post = Assert.Single(receiver.Requests);
        StandardWebhooks.AssertSigned(post, secret, app.Clock.GetCurrentInstant());
        Snap.MatchJson(post.Body, "body");
        var logged = Assert.Single(await WebhookApi.NotificationsAsync(client));
        Assert.Equal(post.Id, logged["eventId"]!.GetValue<string>());
        Assert.Null(logged["ticketId"]);
        Assert.Equal(200, logged["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_is_not_followed()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Redirect();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);

        var result = await WebhookApi.TestAsync(client, endpointId);

        Assert.Equal(302, result["statusCode"]!.GetValue<int>());
        Assert.Equal("the receiver answered 302, a redirect, which is not followed", result["error"]!.GetValue<string>());
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task An_unreachable_receiver_is_a_failure_without_a_status()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, QuietUrl);

        var result = await WebhookApi.TestAsync(client, endpointId);

        Assert.Null(result["statusCode"]);
        Assert.StartsWith("connection failed:", result["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Notifications_come_newest_first_one_page_at_a_time()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        for (var i = 0; i < 3; i++) await WebhookApi.TestAsync(client, endpointId);
        var eventIds = receiver.Requests.Select(r => r.Id!).Reverse().ToList();

        var first = JsonNode.Parse(await client.GetStringAsync("/api/webhooks/notifications?limit=2"))!;
        var cursor = first["nextCursor"]!.GetValue<string>();
        var last = JsonNode.Parse(await client.GetStringAsync($"/api/webhooks/notifications?limit=2&cursor={Uri.EscapeDataString(cursor)}"))!;

        var seen = first["items"]!.AsArray().Concat(last["items"]!.AsArray()).Select(n => n!["eventId"]!.GetValue<string>()).ToList();
        Assert.Equal(eventIds, seen);
        Assert.Null(last["nextCursor"]);
    }

    [Fact]
    public async Task Agents_and_api_keys_cannot_touch_webhooks()
    {
        var admin = await app.SignUpAsync();
        var (endpointId, _) = await WebhookApi.CreateEndpointAsync(app.ClientFor(admin), QuietUrl);
        var id = Guid.CreateVersion7();

        foreach (var caller in new[] { app.ClientFor(await app.AddUserAsync(admin)), app.ClientFor(await app.AddApiKeyAsync(admin)) })
        {
            await ProblemAssert.IsAsync(await caller.PostAsJsonAsync("/api/webhooks/endpoints", new { url = QuietUrl, events = new[] { "ticket.overdue" } }), HttpStatusCode.Forbidden);
            await ProblemAssert.IsAsync(await caller.GetAsync("/api/webhooks/endpoints"), HttpStatusCode.Forbidden);
            await ProblemAssert.IsAsync(await caller.PostAsync($"/api/webhooks/endpoints/{endpointId}/test", null), HttpStatusCode.Forbidden);
            await ProblemAssert.IsAsync(await caller.DeleteAsync($"/api/webhooks/endpoints/{endpointId}"), HttpStatusCode.Forbidden);
            await ProblemAssert.IsAsync(await caller.GetAsync("/api/webhooks/notifications"), HttpStatusCode.Forbidden);
            await ProblemAssert.IsAsync(await caller.PostAsync($"/api/webhooks/notifications/{id}/replay", null), HttpStatusCode.Forbidden);
        }
        await ProblemAssert.IsAsync(await app.Client().GetAsync("/api/webhooks/endpoints"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_accounts_endpoints_and_notifications_are_invisible()
    {
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var (id, _) = await WebhookApi.CreateEndpointAsync(app.ClientFor(owner), QuietUrl);
            return new Probe(HttpMethod.Post, $"/api/webhooks/endpoints/{id}/test", id);
        });
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var (id, _) = await WebhookApi.CreateEndpointAsync(app.ClientFor(owner), QuietUrl);
            return new Probe(HttpMethod.Delete, $"/api/webhooks/endpoints/{id}", id);
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var client = app.ClientFor(owner);
            var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
            await WebhookApi.TestAsync(client, endpointId);
            var id = (await WebhookApi.NotificationsAsync(client))[0]["id"]!.GetValue<Guid>();
            return new Probe(HttpMethod.Post, $"/api/webhooks/notifications/{id}/replay", id);
        });
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
            ("/api/webhooks/endpoints", (await WebhookApi.CreateEndpointAsync(app.ClientFor(owner), QuietUrl)).Id));
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
        {
            var client = app.ClientFor(owner);
            var (endpointId, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
            await WebhookApi.TestAsync(client, endpointId);
            return ("/api/webhooks/notifications", (await WebhookApi.NotificationsAsync(client))[0]["id"]!.GetValue<Guid>());
        });
    }

    [Theory]
    [InlineData("""{}""", "url")]
    [InlineData("""{"events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"","events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"not a url","events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"/relative/path","events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"ftp://example.com/hook","events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"http://user:secret@127.0.0.1:9/hook","events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"http://999.1.1.1/hook","events":["ticket.overdue"]}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1:9/hook"}""", "events")]
    [InlineData("""{"url":"http://127.0.0.1:9/hook","events":[]}""", "events")]
    [InlineData("""{"url":"http://127.0.0.1:9/hook","events":["ticket.created"]}""", "events[0]")]
    [InlineData("""{"url":"http://127.0.0.1:9/hook","events":[null]}""", "events[0]")]
    [InlineData("""{"url":"http://127.0.0.1:9/hook","events":"ticket.overdue"}""", null)]
    [InlineData("""{"url":12,"events":["ticket.overdue"]}""", null)]
    [InlineData("""{"url":"http://127.0.0.1:9/hook","events":[1]}""", null)]
    [InlineData("""{"url":"http://127.0.0.1:9/hook""", null)]
    [InlineData("""[]""", null)]
    public async Task Bad_endpoint_input_is_a_400_problem(string json, string? field)
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsync("/api/webhooks/endpoints", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_oversized_url_is_a_400_naming_it()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var url = "http://127.0.0.1:9/" + new string('a', 2000);

        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url, events = new[] { "ticket.overdue" } });

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "url");
    }

    [Theory]
    [InlineData("GET", "/api/webhooks/notifications?limit=0")]
    [InlineData("GET", "/api/webhooks/notifications?limit=101")]
    [InlineData("GET", "/api/webhooks/notifications?limit=many")]
    [InlineData("GET", "/api/webhooks/notifications?cursor=garbage")]
    [InlineData("GET", "/api/webhooks/notifications?ticketId=not-a-uuid")]
    [InlineData("DELETE", "/api/webhooks/endpoints/not-a-uuid")]
    [InlineData("POST", "/api/webhooks/endpoints/not-a-uuid/test")]
    [InlineData("POST", "/api/webhooks/notifications/not-a-uuid/replay")]
    public async Task Bad_queries_and_malformed_ids_are_400_problems(string method, string path)
    {
        var client = app.ClientFor(await app.SignUpAsync());

        await ProblemAssert.IsAsync(await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = Guid.CreateVersion7();

        await ProblemAssert.IsAsync(await client.PostAsync($"/api/webhooks/endpoints/{id}/test", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await client.DeleteAsync($"/api/webhooks/endpoints/{id}"), HttpStatusCode.NotFound);
        var replay = await client.PostAsync($"/api/webhooks/notifications/{id}/replay", null);
        await Snap.MatchAsync(replay);
    }
}
