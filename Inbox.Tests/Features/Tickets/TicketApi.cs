namespace Inbox.Tests.Features.Tickets;

/// <summary>The ticket routes as a client calls them, asserting the success status each helper expects.</summary>
public static class TicketApi
{
    public static async Task<JsonObject> OpenAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/tickets", body);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"opening a ticket answered {(int)response.StatusCode}: {json}");
        return JsonNode.Parse(json)!.AsObject();
    }

    public static async Task<Guid> OpenIdAsync(HttpClient client, string title = "Compresseur : bruit anormal", object? extra = null) =>
        (await OpenAsync(client, extra ?? new { title }))["id"]!.GetValue<Guid>();

    public static async Task<Guid> AddMachineAsync(HttpClient client, string name = "Tour CN Haas ST-20")
    {
        var response = await client.PostAsJsonAsync("/api/machines", new { name });
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"adding a machine answered {(int)response.StatusCode}: {json}");
        return JsonNode.Parse(json)!["id"]!.GetValue<Guid>();
    }

    public static Task<HttpResponseMessage> ChangeStatusAsync(HttpClient client, Guid id, string status, string? note = null) =>
        client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status, note });

    /// <summary>Moves a ticket through <paramref name="path"/>, each step expected to succeed.</summary>
    public static async Task WalkAsync(HttpClient client, Guid id, params string[] path)
    {
        foreach (var status in path)
        {
            var response = await ChangeStatusAsync(client, id, status);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"moving to {status} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task<JsonObject> GetAsync(HttpClient client, Guid id) =>
        JsonNode.Parse(await client.GetStringAsync($"/api/tickets/{id}"))!.AsObject();

    public static async Task<List<JsonObject>> HistoryAsync(HttpClient client, Guid id) =>
        JsonNode.Parse(await client.GetStringAsync($"/api/tickets/{id}/history"))!.AsArray().Select(n => n!.AsObject()).ToList();

    public static async Task<List<Guid>> ListIdsAsync(HttpClient client, string query)
    {
        var page = JsonNode.Parse(await client.GetStringAsync($"/api/tickets{query}"))!;
        return page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<Guid>()).ToList();
    }

    public static HttpRequestMessage Patch(Guid id, string json) =>
        new(HttpMethod.Patch, $"/api/tickets/{id}") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
}
