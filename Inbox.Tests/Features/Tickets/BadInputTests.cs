namespace Inbox.Tests.Features.Tickets;

/// <summary>One account with a ticket, and another account's ticket, machine and user, made once for the sweep.</summary>
public sealed class BadInputApp : InboxApp
{
    Task<Dictionary<string, string>>? _placeholders;

    public TestUser? Owner { get; private set; }

    /// <summary>Values for <c>{ticket}</c>, <c>{foreignTicket}</c>, <c>{foreignMachine}</c> and <c>{foreignUser}</c>.</summary>
    public Task<Dictionary<string, string>> PlaceholdersAsync() => _placeholders ??= ArrangeAsync();

    async Task<Dictionary<string, string>> ArrangeAsync()
    {
        Owner = await this.SignUpAsync();
        var stranger = await this.SignUpAsync();
        var strangerClient = this.ClientFor(stranger);
        return new Dictionary<string, string>
        {
            ["{ticket}"] = (await TicketApi.OpenIdAsync(this.ClientFor(Owner))).ToString(),
            ["{foreignTicket}"] = (await TicketApi.OpenIdAsync(strangerClient)).ToString(),
            ["{foreignMachine}"] = (await TicketApi.AddMachineAsync(strangerClient)).ToString(),
            ["{foreignUser}"] = stranger.Id.ToString(),
        };
    }
}

/// <summary>Bad input answers a 400 (or 404) problem, never a 500, and changes nothing.</summary>
public sealed class BadInputTests(BadInputApp app) : IClassFixture<BadInputApp>
{
    static readonly string LongTitle = new('t', 201);
    static readonly string LongDescription = new('d', 10_001);
    static readonly string LongNote = new('n', 2_001);

    public static TheoryData<string, string, string?, int> Cases() => new()
    {
        // Opening
        { "POST", "/api/tickets", "{}", 400 },
        { "POST", "/api/tickets", """{"title":""}""", 400 },
        { "POST", "/api/tickets", """{"title":"   "}""", 400 },
        { "POST", "/api/tickets", """{"title":null}""", 400 },
        { "POST", "/api/tickets", """{"title":123}""", 400 },
        { "POST", "/api/tickets", """{"title":["a"]}""", 400 },
        { "POST", "/api/tickets", $$"""{"title":"{{LongTitle}}"}""", 400 },
        { "POST", "/api/tickets", $$"""{"title":"x","description":"{{LongDescription}}"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","description":42}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","priority":"urgent"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","priority":"HIGH"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","priority":3}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","machineId":"not-a-uuid"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","machineId":{foreignMachine}}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","machineId":"{foreignMachine}"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","assigneeId":12}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","assigneeId":"{foreignUser}"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","assigneeId":"{ticket}"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","scheduledAt":"tomorrow"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","scheduledAt":1700000000}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","scheduledAt":"0001-01-01T00:00:00Z"}""", 400 },
        { "POST", "/api/tickets", """{"title":"x","scheduledAt":"9999-12-31T23:59:59Z"}""", 400 },
        { "POST", "/api/tickets", """{"title":""", 400 },
        { "POST", "/api/tickets", "[]", 400 },
        { "POST", "/api/tickets", "null", 400 },
        { "POST", "/api/tickets", "\"title\"", 400 },
        { "POST", "/api/tickets", "", 400 },
        // Editing
        { "PATCH", "/api/tickets/{ticket}", """{"title":""}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"title":5}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", $$"""{"title":"{{LongTitle}}"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", $$"""{"description":"{{LongDescription}}"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"priority":"urgent"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"machineId":"nope"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"machineId":"{foreignMachine}"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"assigneeId":"{foreignUser}"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"assigneeId":false}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"scheduledAt":"soon"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"scheduledAt":"0001-01-01T00:00:00Z"}""", 400 },
        { "PATCH", "/api/tickets/{ticket}", """{"title":""", 400 },
        { "PATCH", "/api/tickets/{ticket}", "[]", 400 },
        { "PATCH", "/api/tickets/{ticket}", "\"x\"", 400 },
        { "PATCH", "/api/tickets/{foreignTicket}", """{"title":"mine now"}""", 404 },
        { "PATCH", "/api/tickets/not-a-uuid", """{"title":"x"}""", 400 },
        // Status changes
        { "POST", "/api/tickets/{ticket}/status", "{}", 400 },
        { "POST", "/api/tickets/{ticket}/status", """{"status":"done"}""", 400 },
        { "POST", "/api/tickets/{ticket}/status", """{"status":"Diagnostic"}""", 400 },
        { "POST", "/api/tickets/{ticket}/status", """{"status":1}""", 400 },
        { "POST", "/api/tickets/{ticket}/status", """{"status":null}""", 400 },
        { "POST", "/api/tickets/{ticket}/status", $$"""{"status":"diagnostic","note":"{{LongNote}}"}""", 400 },
        { "POST", "/api/tickets/{ticket}/status", """{"status":"diagnostic","note":{}}""", 400 },
        { "POST", "/api/tickets/{ticket}/status", """{"status":""", 400 },
        { "POST", "/api/tickets/{foreignTicket}/status", """{"status":"diagnostic"}""", 404 },
        { "POST", "/api/tickets/not-a-uuid/status", """{"status":"diagnostic"}""", 400 },
        // Reading
        { "GET", "/api/tickets?status=done", null, 400 },
        { "GET", "/api/tickets?status=", null, 400 },
        { "GET", "/api/tickets?limit=0", null, 400 },
        { "GET", "/api/tickets?limit=101", null, 400 },
        { "GET", "/api/tickets?limit=abc", null, 400 },
        { "GET", "/api/tickets?cursor=garbage", null, 400 },
        { "GET", "/api/tickets?cursor=", null, 400 },
        { "GET", "/api/tickets?assigneeId=xyz", null, 400 },
        { "GET", "/api/tickets?machineId=xyz", null, 400 },
        { "GET", "/api/tickets?overdue=maybe", null, 400 },
        { "GET", "/api/tickets/not-a-uuid", null, 400 },
        { "GET", "/api/tickets/{foreignTicket}", null, 404 },
        { "GET", "/api/tickets/not-a-uuid/history", null, 400 },
        { "GET", "/api/tickets/{foreignTicket}/history", null, 404 },
        // Machines
        { "POST", "/api/machines", "{}", 400 },
        { "POST", "/api/machines", """{"name":"  "}""", 400 },
        { "POST", "/api/machines", """{"name":7}""", 400 },
        { "POST", "/api/machines", $$"""{"name":"{{LongTitle}}"}""", 400 },
        { "POST", "/api/machines", $$"""{"name":"x","location":"{{LongTitle}}"}""", 400 },
        { "POST", "/api/machines", $$"""{"name":"x","serialNumber":"{{LongTitle}}"}""", 400 },
        { "POST", "/api/machines", """{"name":""", 400 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_never_a_500(string method, string path, string? body, int expected)
    {
        var placeholders = await app.PlaceholdersAsync();
        var client = app.ClientFor(app.Owner!);
        var ticketId = Guid.Parse(placeholders["{ticket}"]);
        var before = await TicketApi.GetAsync(client, ticketId);
        var countBefore = (await TicketApi.ListIdsAsync(client, "?limit=100")).Count;
        var request = new HttpRequestMessage(new HttpMethod(method), Fill(path, placeholders));
        if (body is not null) request.Content = new StringContent(Fill(body, placeholders), System.Text.Encoding.UTF8, "application/json");

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode == expected, $"{method} {path} {Shorten(body)} answered {(int)response.StatusCode}, not {expected}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, JsonNode.Parse(text)!["status"]!.GetValue<int>());
        Assert.DoesNotContain("   at ", text);
        // Nothing was created or changed.
        Assert.Equal(before.ToJsonString(), (await TicketApi.GetAsync(client, ticketId)).ToJsonString());
        Assert.Equal(countBefore, (await TicketApi.ListIdsAsync(client, "?limit=100")).Count);
    }

    [Fact]
    public async Task A_post_without_any_body_is_refused_and_creates_nothing()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/tickets"));

        // No body and no Content-Type reads as an empty JSON body: a 400 problem, not the framework's bare 415.
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await TicketApi.ListIdsAsync(client, ""));
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_a_415_problem()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/tickets") { Content = new ByteArrayContent("{\"title\":\"x\"}"u8.ToArray()) };

        await ProblemAssert.IsAsync(await client.SendAsync(request), HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await TicketApi.ListIdsAsync(client, ""));
    }

    [Fact]
    public async Task A_missing_title_names_the_field()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        await Snap.MatchAsync(await client.PostAsJsonAsync("/api/tickets", new { description = "no title" }));
    }

    [Fact]
    public async Task Wrong_types_and_broken_json_are_400_problems()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        await Snap.MatchAsync(await PostRawAsync(client, """{"title":"x","machineId":"not-a-uuid"}"""), "wrong-type");
        await Snap.MatchAsync(await PostRawAsync(client, """{"title":"""), "broken-json");
    }

    static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string json) =>
        client.PostAsync("/api/tickets", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    static string Fill(string text, Dictionary<string, string> placeholders) =>
        placeholders.Aggregate(text, (current, p) => current.Replace(p.Key, p.Value));

    static string Shorten(string? body) => body is null ? "(no body)" : body.Length > 80 ? body[..80] + "…" : body;
}
