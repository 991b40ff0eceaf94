namespace Inbox.Tests.Features.Contacts;

/// <summary>Contact events: signed webhooks through the delivery engine, and the realtime <c>contact.updated</c> frame.</summary>
public sealed class EventTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    static async Task<(Guid Id, string Secret)> SubscribeAsync(HttpClient client, string url, params string[] events)
    {
        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url, events });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (body["id"]!.GetValue<Guid>(), body["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_lead_status_change_is_posted_signed_to_a_subscribed_endpoint_and_logged_with_its_contact()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, secret) = await SubscribeAsync(client, receiver.Url, "lead.status_changed");
        var id = await ContactApi.CreateIdAsync(client, new { name = "Élodie Fournier", email = "elodie@example.com", leadCode = "L-1" });

        Assert.Equal(HttpStatusCode.OK, (await ContactApi.ChangeStatusAsync(client, id, "contacted", "Appelée")).StatusCode);

        var post = Assert.Single(await receiver.WaitForAsync(1));
        StandardWebhooks.AssertSigned(post, secret, app.Clock.GetCurrentInstant());
        Snap.MatchJson(post.Body, "body");
        var data = JsonNode.Parse(post.Body)!["data"]!;
        Assert.Equal(id, data["contact"]!["id"]!.GetValue<Guid>());
        Assert.Equal(admin.Id, data["byUserId"]!.GetValue<Guid>());

        var logged = await ContactApi.UntilAsync<JsonNode>(async () =>
        {
            var page = JsonNode.Parse(await client.GetStringAsync($"/api/webhooks/notifications?contactId={id}&eventType=lead.status_changed&endpointId={endpointId}"))!;
            var items = page["items"]!.AsArray();
            return items.Count == 1 && items[0]!["statusCode"] is not null ? items[0] : null;
        });
        Assert.Equal(post.Id, logged["eventId"]!.GetValue<string>());
        Assert.Equal("lead.status_changed", logged["eventType"]!.GetValue<string>());
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync($"/api/webhooks/notifications?eventType=contact.created"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task Contact_created_and_updated_are_posted_to_endpoints_subscribed_to_them()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, secret) = await SubscribeAsync(client, receiver.Url, "contact.created", "contact.updated");

        var id = await ContactApi.CreateIdAsync(client, new { name = "Paul", email = "paul@example.com" });
        await client.SendAsync(ContactApi.Patch(id, """{"company":"Girard SARL"}"""));
        var conversation = await ContactApi.StartConversationAsync(client, new { name = "Nouveau", email = "nouveau@example.com" });

        var posts = await receiver.WaitForAsync(3);
        Assert.All(posts, p => StandardWebhooks.AssertSigned(p, secret, app.Clock.GetCurrentInstant()));
        var types = posts.Select(p => JsonNode.Parse(p.Body)!["type"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["contact.created", "contact.created", "contact.updated"], types);
        Snap.MatchJson(posts.Single(p => p.Body.Contains("contact.updated")).Body, "updated");
        Assert.Contains(posts, p => p.Body.Contains(ContactApi.ContactIdOf(conversation)!.Value.ToString()));
    }

    [Fact]
    public async Task Patching_an_endpoint_changes_its_events_and_re_enabling_clears_the_410_state()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(410);
        var (endpointId, _) = await SubscribeAsync(client, receiver.Url, "contact.created");
        await ContactApi.CreateIdAsync(client);
        await receiver.WaitForAsync(1);
        await ContactApi.UntilAsync<string>(async () =>
            JsonNode.Parse(await client.GetStringAsync("/api/webhooks/endpoints"))!.AsArray().Single()!["enabled"]!.GetValue<bool>() ? null : "disabled");

        var patched = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/webhooks/endpoints/{endpointId}")
        {
            Content = JsonContent.Create(new { events = new[] { "contact.created", "lead.status_changed" }, enabled = true }),
        });

        await Snap.MatchAsync(patched, null, "url");
        await ContactApi.CreateIdAsync(client);
        Assert.Equal(2, (await receiver.WaitForAsync(2)).Count);
        var refused = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/webhooks/endpoints/{endpointId}")
        {
            Content = JsonContent.Create(new { events = new[] { "contact.deleted" } }),
        });
        await ProblemAssert.IsAsync(refused, HttpStatusCode.BadRequest, "events");
    }

    [Fact]
    public async Task Patching_an_endpoint_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var (id, _) = await SubscribeAsync(app.ClientFor(owner), "http://127.0.0.1:9/hooks/inbox", "contact.created");
            return new Probe(HttpMethod.Patch, $"/api/webhooks/endpoints/{id}", id, new { enabled = true });
        });

    [Fact]
    public async Task A_lead_change_reaches_every_connection_of_the_account_as_contact_updated()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var stranger = await app.SignUpAsync();
        var id = await ContactApi.CreateIdAsync(app.ClientFor(admin), new { name = "Élodie Fournier", email = "elodie@example.com" });
        await using var colleague = await TestSocket.ConnectAsync(app, agent);
        await using var outsider = await TestSocket.ConnectAsync(app, stranger);

        await ContactApi.ChangeStatusAsync(app.ClientFor(admin), id, "contacted");

        var frame = await colleague.WaitForAsync("contact.updated", f => f["contact"]!["leadStatus"]!.GetValue<string>() == "contacted");
        Snap.MatchJson(frame.ToJsonString());
        await outsider.AssertNoFrameAsync("contact.updated", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_import_raises_one_webhook_event_per_created_or_updated_contact()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(client, receiver.Url, "contact.created", "contact.updated");
        await ContactApi.CreateIdAsync(client, new { email = "known@example.com" });
        await receiver.WaitForAsync(1);

        var csv = new StringContent("email,name\nknown@example.com,Known\nnew@example.com,New\nbad,Bad\n", System.Text.Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/contacts/import", csv)).StatusCode);

        var posts = await receiver.WaitForAsync(3);
        Assert.Equal(["contact.created", "contact.created", "contact.updated"],
            posts.Select(p => JsonNode.Parse(p.Body)!["type"]!.GetValue<string>()).Order());
        Assert.All(posts, p => Assert.NotNull(p.Id));
    }
}
