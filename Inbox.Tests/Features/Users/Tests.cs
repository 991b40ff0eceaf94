namespace Inbox.Tests.Features.Users;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task An_admin_adds_an_agent_who_can_then_log_in()
    {
        var admin = await app.SignUpAsync();

        var response = await app.ClientFor(admin).PostAsJsonAsync("/api/users", new { name = "Inès Moreau", email = "ines.moreau@atelier.example", password = "a good password", role = "agent" });

        await Snap.MatchAsync(response);
        var agent = await app.LoginAsync("ines.moreau@atelier.example", "a good password");
        Assert.Equal(admin.AccountId, agent.AccountId);
        Assert.Equal("agent", agent.Role);
    }

    [Fact]
    public async Task Users_lists_the_callers_account_only()
    {
        var admin = await app.SignUpAsync(name: "Ana Costa", email: "ana@costa-repairs.example");
        await app.AddUserAsync(admin, "agent", name: "Tom Becker", email: "tom@costa-repairs.example");
        await app.SignUpAsync(name: "Someone Else", email: "someone@elsewhere.example");

        await Snap.MatchAsync(await app.ClientFor(admin).GetAsync("/api/users"));
    }

    [Fact]
    public async Task A_taken_email_is_a_409_whatever_its_case()
    {
        var admin = await app.SignUpAsync();
        var other = await app.SignUpAsync();

        var response = await app.ClientFor(admin).PostAsJsonAsync("/api/users", new { name = "Dup", email = other.Email.ToUpperInvariant(), password = "a good password", role = "agent" });

        await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "email");
    }

    [Fact]
    public async Task Agents_and_api_keys_cannot_manage_users()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var key = await app.AddApiKeyAsync(admin);
        var body = new { name = "X", email = TestAccounts.UniqueEmail(), password = "a good password", role = "admin" };

        await Snap.MatchAsync(await app.ClientFor(agent).PostAsJsonAsync("/api/users", body), "agent");
        await ProblemAssert.IsAsync(await app.ClientFor(key).PostAsJsonAsync("/api/users", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await app.ClientFor(key).GetAsync("/api/users"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await app.ClientFor(key).GetAsync("/api/me"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_user_list_never_shows_another_accounts_users()
    {
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner => ("/api/users", owner.Id));
    }

    [Theory]
    [InlineData("""{"email":"x@example.com","password":"a good password","role":"agent"}""", "name")]
    [InlineData("""{"name":"X","password":"a good password","role":"agent"}""", "email")]
    [InlineData("""{"name":"X","email":"nope","password":"a good password","role":"agent"}""", "email")]
    [InlineData("""{"name":"X","email":null,"password":"a good password","role":"agent"}""", "email")]
    [InlineData("""{"name":"X\u0000","email":"x@example.com","password":"a good password","role":"agent"}""", "name")]
    [InlineData("""{"name":"X","email":"x\u0000y@example.com","password":"a good password","role":"agent"}""", "email")]
    [InlineData("""{"name":"X","email":"x@example.com","password":"short","role":"agent"}""", "password")]
    [InlineData("""{"name":"X","email":"x@example.com","password":"a good password","role":"owner"}""", "role")]
    [InlineData("""{"name":"X","email":"x@example.com","password":"a good password"}""", "role")]
    [InlineData("""{"name":{"first":"X"},"email":"x@example.com","password":"a good password","role":"agent"}""", null)]
    [InlineData("""{"name":"X",""", null)]
    public async Task Bad_user_input_is_a_400_problem(string json, string? field)
    {
        var admin = await app.SignUpAsync();

        var response = await app.ClientFor(admin).PostAsync("/api/users", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
    }
}
