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

    static Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/machines") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
