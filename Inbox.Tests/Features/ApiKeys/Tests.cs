using Inbox.Infrastructure.Database;
using LinqToDB;
using LinqToDB.Async;

namespace Inbox.Tests.Features.ApiKeys;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Creating_a_key_shows_it_once_and_listing_never_does()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);

        var created = await client.PostAsJsonAsync("/api/api-keys", new { name = "Zapier bridge" });
        await Snap.MatchAsync(created, "created", "key", "prefix");
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();

        var list = await client.GetAsync("/api/api-keys");
        await Snap.MatchAsync(list, "list", "prefix");
        Assert.DoesNotContain(key, await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_key_is_stored_only_as_a_hash()
    {
        var admin = await app.SignUpAsync();
        var key = await app.AddApiKeyAsync(admin);

        await using var db = app.Service<InboxDatabase>().Open();
        var row = await db.ApiKeys.SingleAsync(k => k.Id == key.Id);
        Assert.StartsWith(row.Prefix + "_", key.Key);
        Assert.DoesNotContain(key.Key, System.Text.Encoding.UTF8.GetString(row.KeyHash));
        Assert.Equal(32, row.KeyHash.Length);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var admin = await app.SignUpAsync();
        var key = await app.AddApiKeyAsync(admin);
        var integration = app.ClientFor(key);
        // An integration may do what the contract allows it; it may not list users.
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.GetAsync("/api/users")).StatusCode);

        var revoke = await app.ClientFor(admin).DeleteAsync($"/api/api-keys/{key.Id}");

        await Snap.MatchAsync(revoke);
        await ProblemAssert.IsAsync(await integration.GetAsync("/api/users"), HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(key.Id.ToString(), await app.ClientFor(admin).GetStringAsync("/api/api-keys"));
    }

    [Theory]
    [InlineData("ibx_nothing_here")]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task Unknown_or_malformed_keys_are_401(string presented)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", presented);

        await ProblemAssert.IsAsync(await client.GetAsync("/api/users"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Agents_cannot_manage_keys()
    {
        var admin = await app.SignUpAsync();
        var agent = app.ClientFor(await app.AddUserAsync(admin));
        var key = await app.AddApiKeyAsync(admin);

        await ProblemAssert.IsAsync(await agent.PostAsJsonAsync("/api/api-keys", new { name = "x" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await agent.GetAsync("/api/api-keys"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await agent.DeleteAsync($"/api/api-keys/{key.Id}"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await app.ClientFor(key).GetAsync("/api/api-keys"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Another_accounts_key_cannot_be_revoked_or_seen()
    {
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var key = await app.AddApiKeyAsync(owner);
            return new Probe(HttpMethod.Delete, $"/api/api-keys/{key.Id}", key.Id);
        });
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner => ("/api/api-keys", (await app.AddApiKeyAsync(owner)).Id));
    }

    [Theory]
    [InlineData("""{}""", "name")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":12}""", null)]
    [InlineData("""{"name":"x""", null)]
    public async Task Bad_key_input_is_a_400_problem(string json, string? field)
    {
        var admin = await app.SignUpAsync();

        var response = await app.ClientFor(admin).PostAsync("/api/api-keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_malformed_key_id_is_a_400_problem()
    {
        var admin = await app.SignUpAsync();

        await ProblemAssert.IsAsync(await app.ClientFor(admin).DeleteAsync("/api/api-keys/not-a-uuid"), HttpStatusCode.BadRequest);
    }
}
