using Npgsql;

namespace Inbox.Tests.Features.Conversations;

/// <summary>Conversation and message calls shared by the conversation, message and receipt tests.</summary>
public static class Api
{
    public static async Task<JsonObject> StartConversationAsync(this HttpClient client, object? body = null)
    {
        var response = await client.PostAsJsonAsync("/api/conversations", body ?? new { subject = "Commande non reçue", contact = new { name = "Léa Martin" } });
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"starting a conversation answered {(int)response.StatusCode}: {json}");
        return json!;
    }

    public static async Task<Guid> StartConversationIdAsync(this HttpClient client, object? body = null) =>
        (await client.StartConversationAsync(body))["id"]!.GetValue<Guid>();

    public static async Task<JsonObject> PostMessageAsync(this HttpClient client, Guid conversationId, string body = "Bonjour !", string? direction = null)
    {
        var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", direction is null ? new { body } : (object)new { body, direction });
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"posting a message answered {(int)response.StatusCode}: {json}");
        return json!;
    }

    public static async Task<Guid> PostMessageIdAsync(this HttpClient client, Guid conversationId, string body = "Bonjour !") =>
        (await client.PostMessageAsync(conversationId, body))["id"]!.GetValue<Guid>();

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {json}");
        return json!;
    }

    public static async Task<JsonObject> MarkReadAsync(this HttpClient client, Guid conversationId, Guid? messageId = null)
    {
        var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/read", messageId is null ? new { } : (object)new { messageId });
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"marking read answered {(int)response.StatusCode}: {json}");
        return json!;
    }

    public static List<Guid> Ids(this JsonObject page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

    /// <summary>Runs SQL straight against the test class's database (arranging rows the API cannot make, recounting).</summary>
    public static async Task<NpgsqlConnection> OpenSqlAsync(this InboxApp app)
    {
        var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<int> ExecuteSqlAsync(this InboxApp app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await app.OpenSqlAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarSqlAsync<T>(this InboxApp app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await app.OpenSqlAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The bad-input sweep of the conversation area: sends <paramref name="method"/> <paramref name="path"/> (its
    /// <c>{id}</c> replaced by a fresh conversation of a new account) with <paramref name="body"/>, and asserts a 400
    /// or 404 problem, never a 500.
    /// </summary>
    public static async Task AssertBadInputInAConversationAsync(this InboxApp app, Xunit.Abstractions.ITestOutputHelper output, string method, string path, string body)
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        if (path.Contains("{id}")) path = path.Replace("{id}", (await client.StartConversationIdAsync()).ToString());
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode} {text}");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{method} {path} {body} answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
