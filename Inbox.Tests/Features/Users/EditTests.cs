using Inbox.Tests.Features.Sessions;
using Npgsql;

namespace Inbox.Tests.Features.Users;

/// <summary><c>PATCH /api/users/{id}</c>: rename, change role, deactivate and reactivate, never leaving an account without an active admin.</summary>
public sealed class EditTests(InboxApp app) : IClassFixture<InboxApp>
{
    const int Bound = 60_000;

    static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid userId, object body) =>
        client.PatchAsJsonAsync($"/api/users/{userId}", body);

    [Fact(Timeout = Bound)]
    public async Task An_admin_renames_promotes_and_deactivates_a_user()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin, name: "Chloé Martin", email: "chloe.martin@atelier.example");
        var client = app.ClientFor(admin);

        var renamed = await PatchAsync(client, agent.Id, new { name = "  Chloé Martin-Dupont " });
        var promoted = await PatchAsync(client, agent.Id, new { role = "admin" });
        var deactivated = await PatchAsync(client, agent.Id, new { active = false });

        await Snap.MatchAsync(renamed, "renamed");
        await Snap.MatchAsync(promoted, "promoted");
        await Snap.MatchAsync(deactivated, "deactivated");
        var listed = (await client.GetFromJsonAsync<JsonArray>("/api/users"))!.Single(u => u!["id"]!.GetValue<Guid>() == agent.Id)!;
        Assert.False(listed["active"]!.GetValue<bool>());
        Assert.Equal("Chloé Martin-Dupont", listed["name"]!.GetValue<string>());
    }

    [Fact(Timeout = Bound)]
    public async Task An_empty_patch_changes_nothing_and_answers_the_user()
    {
        var admin = await app.SignUpAsync();

        var response = await PatchAsync(app.ClientFor(admin), admin.Id, new { });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("admin", user["role"]!.GetValue<string>());
        Assert.True(user["active"]!.GetValue<bool>());
    }

    [Fact(Timeout = Bound)]
    public async Task The_last_active_admin_can_be_neither_demoted_nor_deactivated()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var client = app.ClientFor(admin);

        var demoted = await PatchAsync(client, admin.Id, new { role = "agent" });
        var deactivated = await PatchAsync(client, admin.Id, new { active = false });
        // An inactive admin does not count: promoting one and deactivating them leaves the first still the last.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(client, agent.Id, new { role = "admin", active = false })).StatusCode);
        var stillLast = await PatchAsync(client, admin.Id, new { role = "agent" });

        await Snap.MatchAsync(demoted);
        await ProblemAssert.IsAsync(deactivated, HttpStatusCode.Conflict);
        await ProblemAssert.IsAsync(stillLast, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientFor(admin).GetAsync("/api/me")).StatusCode);

        // With a second active admin, the first may step down.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(client, agent.Id, new { active = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(client, admin.Id, new { role = "agent" })).StatusCode);
    }

    [Fact(Timeout = Bound)]
    public async Task Two_admins_demoting_each_other_at_once_leave_exactly_one_admin()
    {
        var first = await app.SignUpAsync();
        var second = await app.AddUserAsync(first, role: "admin");
        var demotions = new[] { (By: first, Whom: second), (By: second, Whom: first) };

        // A side transaction holds the account's user rows, so both requests are surely in flight together: each
        // has read nothing yet and waits on a row lock. Released, they run one after the other, as the locks decide.
        await using var side = new NpgsqlConnection(app.ConnectionString);
        await side.OpenAsync();
        await using var hold = await side.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT id FROM users WHERE account_id = @account FOR NO KEY UPDATE", side, hold))
        {
            take.Parameters.AddWithValue("account", first.AccountId);
            await take.ExecuteNonQueryAsync();
        }
        var requests = demotions.Select(d => PatchAsync(app.ClientFor(d.By), d.Whom.Id, new { role = "agent" })).ToArray();
        await WaitForLockWaitersAsync(side, hold, 2);
        await hold.RollbackAsync();
        var answers = await Task.WhenAll(requests);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        await ProblemAssert.IsAsync(answers.Single(a => a.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
        // Whoever was demoted was signed out by it (Sessions/Tests.cs): read the list through a fresh sign-in.
        var users = (await app.ClientFor(await app.LoginAsync(first.Email)).GetFromJsonAsync<JsonArray>("/api/users"))!;
        Assert.Single(users, u => u!["role"]!.GetValue<string>() == "admin" && u["active"]!.GetValue<bool>());
    }

    /// <summary>Until <paramref name="count"/> sessions of this database wait on a lock (bounded: the requests may be slow to arrive).</summary>
    static async Task WaitForLockWaitersAsync(NpgsqlConnection side, NpgsqlTransaction tx, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", side, tx);
        while ((long)(await waiting.ExecuteScalarAsync())! < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two requests never both waited on the account's rows");
            await Task.Delay(20);
        }
    }

    [Fact(Timeout = Bound)]
    public async Task Another_accounts_user_is_not_found()
    {
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
            new Probe(HttpMethod.Patch, $"/api/users/{owner.Id}", owner.Id, new { name = "Renamed from elsewhere" }));
    }

    [Fact(Timeout = Bound)]
    public async Task A_missing_user_is_a_404_problem()
    {
        var admin = await app.SignUpAsync();

        await Snap.MatchAsync(await PatchAsync(app.ClientFor(admin), Guid.CreateVersion7(), new { active = false }));
    }

    [Fact(Timeout = Bound)]
    public async Task Agents_and_api_keys_cannot_edit_users()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var key = await app.AddApiKeyAsync(admin);

        await ProblemAssert.IsAsync(await PatchAsync(app.ClientFor(agent), agent.Id, new { role = "admin" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await PatchAsync(app.ClientFor(key), agent.Id, new { active = false }), HttpStatusCode.Forbidden);
    }

    [Theory(Timeout = Bound)]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"role":"owner"}""", "role")]
    [InlineData("""{"role":null}""", "role")]
    [InlineData("""{"active":null}""", "active")]
    [InlineData("""{"active":"no"}""", null)]
    [InlineData("""{"role":["admin"]}""", null)]
    [InlineData("""{"name":"X",""", null)]
    [InlineData("""{"name":"nul\u0000here"}""", "name")]
    public async Task Bad_edit_input_is_a_400_problem(string json, string? field)
    {
        var admin = await app.SignUpAsync();

        var response = await app.ClientFor(admin).PatchAsync($"/api/users/{admin.Id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact(Timeout = Bound)]
    public async Task A_name_over_the_limit_and_a_malformed_id_are_400_problems()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);

        await ProblemAssert.IsAsync(await PatchAsync(client, admin.Id, new { name = new string('n', 201) }), HttpStatusCode.BadRequest, "name");
        await ProblemAssert.IsAsync(await client.PatchAsJsonAsync("/api/users/not-a-uuid", new { name = "X" }), HttpStatusCode.BadRequest);
    }

    [Fact(Timeout = Bound)]
    public async Task A_deactivated_user_cannot_sign_in_or_refresh_and_reactivation_revives_no_session()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var client = app.ClientFor(admin);

        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(client, agent.Id, new { active = false })).StatusCode);
        var login = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = agent.Email, password = agent.Password });
        var wrongPassword = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = agent.Email, password = "not the password" });

        // The same answer as bad credentials: nothing tells a deactivated account apart.
        await ProblemAssert.IsAsync(login, HttpStatusCode.Unauthorized);
        Assert.Equal(await wrongPassword.Content.ReadAsStringAsync(), await login.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientFor(agent).GetAsync("/api/me")).StatusCode);
        await app.RefreshAsync(agent.RefreshToken, HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(client, agent.Id, new { active = true })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientFor(agent).GetAsync("/api/me")).StatusCode);
        await SessionChecks.AssertHandshakeRefusedAsync(app, agent.AccessToken);
        await app.RefreshAsync(agent.RefreshToken, HttpStatusCode.Unauthorized);
        var again = await app.LoginAsync(agent.Email);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientFor(again).GetAsync("/api/me")).StatusCode);
    }
}
