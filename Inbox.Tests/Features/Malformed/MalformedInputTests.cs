using System.Net.Http.Headers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Features.Malformed;

/// <summary>
/// One account with one of everything a route can name (a conversation with a message, a ticket, a machine, webhook
/// endpoints with a logged notification, spare keys and sessions for the routes that end them), made once for the sweep.
/// Login, cron and refresh limits are lifted: the sweep sends hundreds of them from one address.
/// </summary>
public sealed class MalformedApp : InboxApp
{
    public const string CronSecret = "sweep-cron-secret";
    Task<Dictionary<string, string>>? _placeholders;

    public MalformedApp()
    {
        With("Auth:LoginAttemptsPerMinutePerIp", "1000000");
        With("Auth:LoginAttemptsPerMinutePerEmail", "1000000");
        With("Cron:Secret", CronSecret);
        With("Cron:RequestsPerMinute", "1000000");
        With("Webhooks:AllowPrivateNetworks", "true");
    }

    public TestUser? Admin { get; private set; }
    public TestUser? Agent { get; private set; }
    public TestApiKey? Key { get; private set; }

    public Task<Dictionary<string, string>> PlaceholdersAsync() => _placeholders ??= ArrangeAsync();

    async Task<Dictionary<string, string>> ArrangeAsync()
    {
        Admin = await this.SignUpAsync();
        Agent = await this.AddUserAsync(Admin);
        Key = await this.AddApiKeyAsync(Admin);
        var spareKey = await this.AddApiKeyAsync(Admin, "spare");
        var admin = this.ClientFor(Admin);

        var conversation = (await PostAsync(admin, "/api/conversations", new { contact = new { name = "Léa" } }))["id"]!.ToString();
        var message = (await PostAsync(admin, $"/api/conversations/{conversation}/messages", new { body = "bonjour" }))["id"]!.ToString();
        var machine = (await PostAsync(admin, "/api/machines", new { name = "Tour" }))["id"]!.ToString();
        var ticket = (await PostAsync(admin, "/api/tickets", new { title = "Bruit" }))["id"]!.ToString();
        var hook = new { url = "http://127.0.0.1:9/hook", events = new[] { "ticket.overdue" } };
        var endpoint = (await PostAsync(admin, "/api/webhooks/endpoints", hook))["id"]!.ToString();
        var spareEndpoint = (await PostAsync(admin, "/api/webhooks/endpoints", hook))["id"]!.ToString();
        // A test post (to a closed port) is logged as a notification that can be replayed.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/webhooks/endpoints/{endpoint}/test", null)).StatusCode);
        var notifications = JsonNode.Parse(await admin.GetStringAsync("/api/webhooks/notifications"))!;
        var refresh = await this.LoginAsync(Admin.Email);
        var contact = (await PostAsync(admin, "/api/contacts", new { name = "Léa", email = "lea.sweep@example.com" }))["id"]!.ToString();
        var spareContact = (await PostAsync(admin, "/api/contacts", new { name = "Spare" }))["id"]!.ToString();
        var mergeContact = (await PostAsync(admin, "/api/contacts", new { name = "Survivor" }))["id"]!.ToString();
        var mergeDuplicate = (await PostAsync(admin, "/api/contacts", new { name = "Duplicate" }))["id"]!.ToString();

        return new Dictionary<string, string>
        {
            ["{adminId}"] = Admin.Id.ToString(),
            ["{adminEmail}"] = Admin.Email,
            ["{refreshToken}"] = refresh.RefreshToken,
            ["{agentRefreshToken}"] = Agent.RefreshToken,
            ["{agentId}"] = Agent.Id.ToString(),
            ["{apiKey}"] = spareKey.Id.ToString(),
            ["{conversation}"] = conversation,
            ["{message}"] = message,
            ["{machine}"] = machine,
            ["{ticket}"] = ticket,
            ["{webhookEndpoint}"] = endpoint,
            ["{spareWebhookEndpoint}"] = spareEndpoint,
            ["{notification}"] = notifications["items"]![0]!["id"]!.ToString(),
            ["{contact}"] = contact,
            ["{spareContact}"] = spareContact,
            ["{mergeContact}"] = mergeContact,
            ["{mergeDuplicate}"] = mergeDuplicate,
        };
    }

    static async Task<JsonObject> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public HttpClient ClientAs(Caller caller)
    {
        var client = caller switch
        {
            Caller.Admin => this.ClientFor(Admin!),
            Caller.Agent => this.ClientFor(Agent!),
            Caller.ApiKey => this.ClientFor(Key!),
            _ => Client(),
        };
        if (caller == Caller.Cron) client.DefaultRequestHeaders.Add("X-Cron-Secret", CronSecret);
        return client;
    }
}

/// <summary>
/// The hostile-input sweep of API.md's conventions: every route, sent generated malformed variants of a request it
/// accepts (NULs and lone surrogates in every string, nulls, wrong JSON types for every field and for the whole
/// body, numbers, cursors, uuids and dates out of range, in the body, the query and the route), answers the status
/// each case allows (400 naming the field, unless a more precise answer fits), as problem details, never a 5xx.
/// Every failure is collected, so one run lists them all; then every route still answers its valid request.
/// </summary>
public sealed class MalformedInputTests(MalformedApp app) : IClassFixture<MalformedApp>
{
    [Fact]
    public async Task No_malformed_input_on_any_route_is_a_5xx_and_each_is_a_problem_naming_its_field()
    {
        var placeholders = await app.PlaceholdersAsync();
        var cases = Routes.All
            .SelectMany(route => route.Callers.SelectMany(caller => Cases.For(route, placeholders).Select(c => (Caller: caller, Case: c))))
            .ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clients = Enum.GetValues<Caller>().ToDictionary(c => c, app.ClientAs);

        // Four at a time keeps the sweep well under a minute on two cores without flooding the connection pool.
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, ct) =>
        {
            var (caller, c) = item;
            var client = c.OwnConnection ? app.ClientAs(caller) : clients[caller];
            var (status, failure) = await SendAsync(client, c, ct);
            if (failure is not null) failures.Add($"{c.Route.Name} as {caller} [{c.Name}] → {status}: {failure}");
        });

        Assert.True(cases.Count > 1500, $"only {cases.Count} cases were generated");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} malformed requests were answered wrongly:\n" + string.Join('\n', failures.Order()));
        await EveryRouteStillAnswersItsValidRequestAsync(placeholders);
    }

    async Task EveryRouteStillAnswersItsValidRequestAsync(IReadOnlyDictionary<string, string> placeholders)
    {
        var failures = new List<string>();
        // Routes that end something (a session, a key, an endpoint) go last, so the others still have it.
        foreach (var route in Routes.All.OrderBy(r => r.Method == "DELETE" || r.Template.EndsWith("/logout")))
        {
            var caller = route.Callers[0];
            var request = new HttpRequestMessage(new HttpMethod(route.Method), Cases.Fill(route.Template, placeholders) + Cases.ValidQuery(route));
            if (route.Body is not null) request.Content = new StringContent(route.Body(placeholders).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            var response = await app.ClientAs(caller).SendAsync(request);
            var status = (int)response.StatusCode;
            if (status != route.ValidStatus && status != route.ValidAlso)
                failures.Add($"{route.Name} as {caller} answered {status}, not {route.ValidStatus}: {Shorten(await response.Content.ReadAsStringAsync())}");
        }
        Assert.True(failures.Count == 0, "after the sweep, valid requests failed:\n" + string.Join('\n', failures));
    }

    /// <summary>Sends one case; the failure says what was wrong with the answer, or is null.</summary>
    static async Task<(int Status, string? Failure)> SendAsync(HttpClient client, Case c, CancellationToken ct)
    {
        var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(client.BaseAddress!, c.PathAndQuery));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
            // Let the server refuse an oversized body before it is sent, as a well-behaved client would.
            if (c.OwnConnection) request.Headers.ExpectContinue = true;
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return (0, $"no answer: {e.Message}");
        }
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        if (status >= 500) return (status, $"a 5xx: {Shorten(text)}");
        if (!c.Allowed.Contains(status)) return (status, $"expected {string.Join(" or ", c.Allowed)}: {Shorten(text)}");
        if (status < 400) return (status, null);
        if (c.RefusedByKestrel && status == 400 && text.Length == 0) return (status, null);
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return (status, $"content type {response.Content.Headers.ContentType?.MediaType ?? "(none)"}: {Shorten(text)}");
        JsonObject problem;
        try
        {
            problem = JsonNode.Parse(text)!.AsObject();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return (status, $"a body that is not a problem: {Shorten(text)}");
        }
        if (problem["status"]?.GetValue<int>() != status) return (status, $"problem status {problem["status"]}: {Shorten(text)}");
        if (status != 400) return (status, null);
        var errors = problem["errors"]?.AsObject();
        if (errors is null) return (status, $"a 400 without errors: {Shorten(text)}");
        // A body at fault as a whole ({} or null where fields are required) may name several fields, or none.
        if (c.Field is { } field && !errors.Any(e => Names(e.Key, field)))
            return (status, $"a 400 not naming '{field}': {Shorten(text)}");
        return (status, null);
    }

    /// <summary>An error key names a field when it is the field, a part of it (<c>contact.name</c>, <c>events[0]</c>), or the same in other case.</summary>
    static bool Names(string key, string field) =>
        key.Equals(field, StringComparison.OrdinalIgnoreCase) ||
        key.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase) || key.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Every_route_of_the_service_is_in_the_sweep()
    {
        var swept = Routes.All.Select(r => $"{r.Method} {Normalize(r.Template)}").ToHashSet();
        var missing = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize("/" + e.RoutePattern.RawText!.TrimStart('/'))}"))
            // FastEndpoints' own test-support route, not part of the API.
            .Where(r => !swept.Contains(r) && !r.Contains(" /_"))
            .Distinct()
            .Order()
            .ToList();
        Assert.True(missing.Count == 0, "routes missing from Routes.All (add each with a valid request):\n" + string.Join('\n', missing));
    }

    /// <summary>Route parameters compare by position, not name: <c>{id}</c> and <c>{conversation}</c> are the same slot.</summary>
    static string Normalize(string template) =>
        string.Join('/', template.Split('/').Select(s => s.StartsWith('{') ? "{}" : s));

    static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
