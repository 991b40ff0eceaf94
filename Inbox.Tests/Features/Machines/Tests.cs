using Inbox.Tests.Features.Tickets;

namespace Inbox.Tests.Features.Machines;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Adding_a_machine_answers_201_with_its_shape()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/machines", new { name = "Presse hydraulique P-40", location = "Atelier A, poste 3", serialNumber = "PH-40-0172" });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Listing_machines_answers_the_accounts_machines_oldest_first()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        await client.PostAsJsonAsync("/api/machines", new { name = "Tour CN Haas ST-20", location = "Atelier B", serialNumber = "HST-2231" });
        await client.PostAsJsonAsync("/api/machines", new { name = "Boiler room heat pump" });

        await Snap.MatchAsync(await client.GetAsync("/api/machines"));
    }

    [Fact]
    public async Task Blank_optional_fields_are_stored_as_null()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/machines", new { name = "  Conveyor C-7  ", location = "", serialNumber = "   " });
        var machine = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Conveyor C-7", machine["name"]!.GetValue<string>());
        Assert.Null(machine["location"]);
        Assert.Null(machine["serialNumber"]);
    }

    [Fact]
    public async Task Machines_are_for_users_only()
    {
        var admin = await app.SignUpAsync();
        var agent = app.ClientFor(await app.AddUserAsync(admin, "agent"));
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync("/api/machines", new { name = "Agent's machine" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/machines")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.PostAsJsonAsync("/api/machines", new { name = "Key's machine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync("/api/machines")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/api/machines")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().PostAsJsonAsync("/api/machines", new { name = "x" })).StatusCode);
        Assert.Single(JsonNode.Parse(await agent.GetStringAsync("/api/machines"))!.AsArray());
    }

    [Fact]
    public async Task Adding_with_an_idempotency_key_twice_creates_one_machine()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var first = await PostWithKeyAsync(client, "machine-import-1", new { name = "Compresseur GA 30" });
        var second = await PostWithKeyAsync(client, "machine-import-1", new { name = "Compresseur GA 30" });

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Single(JsonNode.Parse(await client.GetStringAsync("/api/machines"))!.AsArray());
    }

    [Fact]
    public async Task The_list_never_shows_other_accounts_machines() =>
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
            ("/api/machines", await TicketApi.AddMachineAsync(app.ClientFor(owner))));

    [Fact]
    public async Task Patching_a_machine_answers_the_changed_machine()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.AddMachineAsync(client, "Presse hydraulique P-40");

        var response = await client.PatchAsJsonAsync($"/api/machines/{id}", new { location = "Atelier C, poste 1", serialNumber = "PH-40-0173" });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Patching_keeps_absent_fields_and_null_or_blank_clears_optional_ones()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var created = JsonNode.Parse(await (await client.PostAsJsonAsync("/api/machines",
            new { name = "Compresseur GA 30", location = "Local technique", serialNumber = "GA30-881" })).Content.ReadAsStringAsync())!;
        var id = created["id"]!.GetValue<Guid>();

        var renamed = JsonNode.Parse(await (await client.PatchAsJsonAsync($"/api/machines/{id}", new { name = "  Compresseur GA 37  " })).Content.ReadAsStringAsync())!;
        Assert.Equal("Compresseur GA 37", renamed["name"]!.GetValue<string>());
        Assert.Equal("Local technique", renamed["location"]!.GetValue<string>());
        Assert.Equal("GA30-881", renamed["serialNumber"]!.GetValue<string>());
        Assert.Equal(created["createdAt"]!.GetValue<string>(), renamed["createdAt"]!.GetValue<string>());

        var cleared = await client.SendAsync(JsonPatch(id, """{"location":null,"serialNumber":"  "}"""));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var listed = JsonNode.Parse(await client.GetStringAsync("/api/machines"))!.AsArray().Single()!;
        Assert.Equal("Compresseur GA 37", listed["name"]!.GetValue<string>());
        Assert.Null(listed["location"]);
        Assert.Null(listed["serialNumber"]);
    }

    [Fact]
    public async Task A_machine_name_cannot_be_cleared()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.AddMachineAsync(client);

        var response = await client.SendAsync(JsonPatch(id, """{"name":null}"""));

        await Snap.MatchAsync(response);
        Assert.Equal("Tour CN Haas ST-20", JsonNode.Parse(await client.GetStringAsync("/api/machines"))!.AsArray().Single()!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Agents_may_edit_machines_and_api_keys_may_not()
    {
        var admin = await app.SignUpAsync();
        var id = await TicketApi.AddMachineAsync(app.ClientFor(admin));
        var agent = app.ClientFor(await app.AddUserAsync(admin, "agent"));
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));

        Assert.Equal(HttpStatusCode.OK, (await agent.PatchAsJsonAsync($"/api/machines/{id}", new { location = "Atelier D" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.PatchAsJsonAsync($"/api/machines/{id}", new { location = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().PatchAsJsonAsync($"/api/machines/{id}", new { location = "x" })).StatusCode);
    }

    [Fact]
    public async Task Another_accounts_machine_cannot_be_edited() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await TicketApi.AddMachineAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Patch, $"/api/machines/{id}", id, new { name = "Hijacked" });
        });

    static HttpRequestMessage JsonPatch(Guid id, string json) =>
        new(HttpMethod.Patch, $"/api/machines/{id}") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    static Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/machines") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
