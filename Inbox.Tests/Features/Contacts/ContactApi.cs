namespace Inbox.Tests.Features.Contacts;

/// <summary>The contact routes as a test calls them, asserting the success status each helper expects.</summary>
public static class ContactApi
{
    public static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/contacts", body);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating a contact answered {(int)response.StatusCode}: {json}");
        return JsonNode.Parse(json)!.AsObject();
    }

    public static async Task<Guid> CreateIdAsync(HttpClient client, object? body = null) =>
        (await CreateAsync(client, body ?? new { name = "Léa Martin", email = $"lea.{Guid.NewGuid():N}@example.com" }))["id"]!.GetValue<Guid>();

    public static async Task<JsonObject> GetAsync(HttpClient client, Guid id) =>
        JsonNode.Parse(await client.GetStringAsync($"/api/contacts/{id}"))!.AsObject();

    public static HttpRequestMessage Patch(Guid id, string json) =>
        new(HttpMethod.Patch, $"/api/contacts/{id}") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    public static Task<HttpResponseMessage> ChangeStatusAsync(HttpClient client, Guid id, string status, string? note = null) =>
        client.PostAsJsonAsync($"/api/contacts/{id}/lead-status", new { status, note });

    public static async Task<List<Guid>> ListIdsAsync(HttpClient client, string query)
    {
        var page = JsonNode.Parse(await client.GetStringAsync($"/api/contacts{query}"))!;
        return page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();
    }

    public static async Task<JsonObject> StartConversationAsync(HttpClient client, object contact)
    {
        var response = await client.PostAsJsonAsync("/api/conversations", new { subject = "Bonjour", contact });
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"starting a conversation answered {(int)response.StatusCode}: {json}");
        return JsonNode.Parse(json)!.AsObject();
    }

    public static Guid? ContactIdOf(JsonObject conversation) => conversation["contact"]!["id"]?.GetValue<Guid>();

    /// <summary>Polls until <paramref name="probe"/> answers non-null (a background effect), failing after 30 s.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold within 30 s");
            await Task.Delay(20);
        }
    }
}
