namespace Inbox.Tests.Features.Operations;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Health_and_ready_answer_when_the_database_is_up()
    {
        var client = app.Client();

        await Snap.MatchAsync(await client.GetAsync("/health"), "health");
        await Snap.MatchAsync(await client.GetAsync("/ready"), "ready");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await Snap.MatchAsync(await app.Client().GetAsync("/api/does-not-exist"));
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_problem()
    {
        var body = new string('x', 2 * 1024 * 1024);
        var response = await app.Client().PostAsync("/api/auth/login", new StringContent($"{{\"email\":\"{body}\"}}", System.Text.Encoding.UTF8, "application/json"));

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task A_chunked_body_over_one_mebibyte_is_a_413_problem_too()
    {
        // Valid JSON as far as it goes, so the parser keeps reading until the size limit stops it.
        var json = System.Text.Encoding.UTF8.GetBytes("{\"email\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await app.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>The service pointed at a server that does not answer.</summary>
public sealed class UnreachableDatabaseApp : InboxApp
{
    public UnreachableDatabaseApp() => With("DATABASE_URL", "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2");
}

public sealed class UnreachableDatabaseTests(UnreachableDatabaseApp app) : IClassFixture<UnreachableDatabaseApp>
{
    [Fact]
    public async Task Health_is_up_and_ready_is_a_503_problem_without_a_stack_trace()
    {
        var client = app.Client();

        var health = await client.GetAsync("/health");
        var ready = await client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await Snap.MatchAsync(ready);
    }

    [Fact]
    public async Task A_route_that_needs_the_database_answers_503_not_500()
    {
        var response = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = "a@example.com", password = "whatever-password" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
    }
}
