namespace Inbox.Tests.Features.Tickets;

/// <summary>The shape of every ticket route, who may call it, tenant isolation and idempotent opening.</summary>
public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    const string Future = "2099-03-02T08:00:00.000Z";
    const string Past = "2021-06-15T07:30:00.000Z";

    [Fact]
    public async Task Opening_a_ticket_answers_201_with_status_received()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var machineId = await TicketApi.AddMachineAsync(client, "Presse hydraulique P-40");

        var response = await client.PostAsJsonAsync("/api/tickets", new
        {
            title = "Presse hydraulique : fuite d'huile au vérin",
            description = "Flaque sous le vérin principal depuis ce matin.",
            machineId,
            priority = "high",
            scheduledAt = Future,
            assigneeId = admin.Id,
        });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Opening_with_only_a_title_defaults_to_medium_and_nulls()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/tickets", new { title = "Replace the conveyor belt" });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Getting_a_ticket_answers_it_with_overdue_computed()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.OpenIdAsync(client, extra: new { title = "Chariot élévateur : révision annuelle", priority = "low", scheduledAt = Past });

        await Snap.MatchAsync(await client.GetAsync($"/api/tickets/{id}"));
    }

    [Fact]
    public async Task Listing_tickets_answers_a_page_newest_first()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await TicketApi.OpenIdAsync(client, "Older: check the boiler pressure");
        await TicketApi.OpenIdAsync(client, "Newer: replace the air filter");

        await Snap.MatchAsync(await client.GetAsync("/api/tickets?limit=1"), "first", "nextCursor");
        var first = JsonNode.Parse(await client.GetStringAsync("/api/tickets?limit=1"))!;
        var cursor = first["nextCursor"]!.GetValue<string>();
        await Snap.MatchAsync(await client.GetAsync($"/api/tickets?limit=1&cursor={Uri.EscapeDataString(cursor)}"), "last", "nextCursor");
    }

    [Fact]
    public async Task Patching_a_ticket_answers_the_changed_ticket()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await TicketApi.OpenIdAsync(client, extra: new { title = "Pump leaking", description = "Small drip", scheduledAt = Future });

        var response = await client.SendAsync(TicketApi.Patch(id,
            $$"""{"title":"Pompe P3 : fuite au presse-étoupe","priority":"critical","scheduledAt":null,"assigneeId":"{{admin.Id}}"}"""));

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Changing_the_status_answers_the_moved_ticket()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.OpenIdAsync(client, "Compresseur : bruit anormal");

        var response = await TicketApi.ChangeStatusAsync(client, id, "diagnostic", "Roulement à changer, je regarde.");

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task A_refused_transition_is_a_409_problem_naming_the_allowed_states()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.OpenIdAsync(client, "Compresseur : bruit anormal");

        var response = await TicketApi.ChangeStatusAsync(client, id, "waiting_parts");

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task History_lists_the_creation_then_every_change_oldest_first()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await TicketApi.OpenIdAsync(client, "Compresseur : bruit anormal");
        await TicketApi.ChangeStatusAsync(client, id, "diagnostic", "Looking at it");
        await TicketApi.ChangeStatusAsync(client, id, "in_progress");

        var response = await client.GetAsync($"/api/tickets/{id}/history");

        await Snap.MatchAsync(response);
        var history = await TicketApi.HistoryAsync(client, id);
        Assert.All(history, h => Assert.Equal(admin.Id, h["byUserId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task An_api_key_may_open_a_ticket_and_do_nothing_else()
    {
        var admin = await app.SignUpAsync();
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var user = app.ClientFor(admin);

        var opened = await TicketApi.OpenAsync(key, new { title = "Work order from the ERP", priority = "high" });
        var id = opened["id"]!.GetValue<Guid>();

        Assert.Equal("received", opened["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync("/api/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync($"/api/tickets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.SendAsync(TicketApi.Patch(id, """{"title":"x"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await TicketApi.ChangeStatusAsync(key, id, "diagnostic")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync($"/api/tickets/{id}/history")).StatusCode);
        // Opened by no user: the creation entry names nobody, and the ticket is untouched by the refused calls.
        var history = await TicketApi.HistoryAsync(user, id);
        Assert.Null(Assert.Single(history)["byUserId"]);
        Assert.Equal("received", (await TicketApi.GetAsync(user, id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Agents_may_use_every_ticket_route()
    {
        var admin = await app.SignUpAsync();
        var agent = app.ClientFor(await app.AddUserAsync(admin, "agent"));

        var id = await TicketApi.OpenIdAsync(agent, "Agent-opened ticket");
        await TicketApi.WalkAsync(agent, id, "diagnostic");
        Assert.Equal(HttpStatusCode.OK, (await agent.SendAsync(TicketApi.Patch(id, """{"priority":"low"}"""))).StatusCode);
        Assert.Contains(id, await TicketApi.ListIdsAsync(agent, ""));
        Assert.Equal(2, (await TicketApi.HistoryAsync(agent, id)).Count);
    }

    [Theory]
    [InlineData("POST", "/api/tickets")]
    [InlineData("GET", "/api/tickets")]
    [InlineData("GET", "/api/tickets/0196b5c4-0000-7000-8000-000000000000")]
    [InlineData("PATCH", "/api/tickets/0196b5c4-0000-7000-8000-000000000000")]
    [InlineData("POST", "/api/tickets/0196b5c4-0000-7000-8000-000000000000/status")]
    [InlineData("GET", "/api/tickets/0196b5c4-0000-7000-8000-000000000000/history")]
    public async Task Every_route_refuses_anonymous_callers_with_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = JsonContent.Create(new { title = "x", status = "diagnostic" });

        var response = await app.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Opening_with_an_idempotency_key_twice_creates_one_ticket()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var body = new { title = "Imported work order 4711" };

        var first = await SendWithKeyAsync(client, "work-order-4711", body);
        var second = await SendWithKeyAsync(client, "work-order-4711", body);
        var other = await SendWithKeyAsync(client, "work-order-4711", new { title = "Something else" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Single(await TicketApi.ListIdsAsync(client, ""));
    }

    [Fact]
    public async Task Get_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await TicketApi.OpenIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Get, $"/api/tickets/{id}", id);
        });

    [Fact]
    public async Task Patch_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await TicketApi.OpenIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Patch, $"/api/tickets/{id}", id, new { title = "Hijacked" });
        });

    [Fact]
    public async Task Status_change_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await TicketApi.OpenIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Post, $"/api/tickets/{id}/status", id, new { status = "diagnostic" });
        });

    [Fact]
    public async Task History_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await TicketApi.OpenIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Get, $"/api/tickets/{id}/history", id);
        });

    [Fact]
    public async Task The_list_never_shows_other_accounts_tickets() =>
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
            ("/api/tickets", await TicketApi.OpenIdAsync(app.ClientFor(owner))));

    [Fact]
    public async Task The_list_filtered_by_another_accounts_machine_or_assignee_is_empty()
    {
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
        {
            var client = app.ClientFor(owner);
            var machineId = await TicketApi.AddMachineAsync(client);
            await TicketApi.OpenIdAsync(client, extra: new { title = "On the lathe", machineId });
            return ($"/api/tickets?machineId={machineId}", machineId);
        });
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
        {
            var id = await TicketApi.OpenIdAsync(app.ClientFor(owner), extra: new { title = "Assigned", assigneeId = owner.Id });
            return ($"/api/tickets?assigneeId={owner.Id}&overdue=false", id);
        });
    }

    [Fact]
    public async Task A_machine_or_assignee_of_another_account_is_a_400_naming_the_field()
    {
        var stranger = await app.SignUpAsync();
        var foreignMachine = await TicketApi.AddMachineAsync(app.ClientFor(stranger));
        var client = app.ClientFor(await app.SignUpAsync());

        var opened = await client.PostAsJsonAsync("/api/tickets", new { title = "x", machineId = foreignMachine, assigneeId = stranger.Id });
        var id = await TicketApi.OpenIdAsync(client);
        var patched = await client.SendAsync(TicketApi.Patch(id, $$"""{"machineId":"{{foreignMachine}}","assigneeId":"{{stranger.Id}}"}"""));

        await Snap.MatchAsync(opened, "open");
        await Snap.MatchAsync(patched, "patch");
        var ticket = await TicketApi.GetAsync(client, id);
        Assert.Null(ticket["machineId"]);
        Assert.Null(ticket["assigneeId"]);
        Assert.Empty(await TicketApi.ListIdsAsync(client, $"?machineId={foreignMachine}"));
    }

    static Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/tickets") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
