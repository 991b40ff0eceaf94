using NodaTime.Text;

namespace Inbox.Tests.Features.Webhooks;

/// <summary>The webhook routes as an admin calls them, asserting the success status each helper expects.</summary>
public static class WebhookApi
{
    public static async Task<(Guid Id, string Secret)> CreateEndpointAsync(HttpClient client, string url)
    {
        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url, events = new[] { "ticket.overdue" } });
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating an endpoint answered {(int)response.StatusCode}: {json}");
        var body = JsonNode.Parse(json)!;
        return (body["id"]!.GetValue<Guid>(), body["secret"]!.GetValue<string>());
    }

    /// <summary>A ticket assigned to <paramref name="assigneeId"/> and scheduled <paramref name="lateBy"/> before <paramref name="now"/>.</summary>
    public static async Task<Guid> OpenOverdueTicketAsync(HttpClient client, Guid? assigneeId, Instant now, Duration lateBy, string title = "Compresseur : bruit anormal")
    {
        var ticket = await Tickets.TicketApi.OpenAsync(client, new
        {
            title,
            description = "Bruit métallique au démarrage, côté moteur.",
            priority = "high",
            scheduledAt = InstantPattern.ExtendedIso.Format(now - lateBy),
            assigneeId,
        });
        return ticket["id"]!.GetValue<Guid>();
    }

    public static async Task<List<JsonObject>> NotificationsAsync(HttpClient client, string query = "")
    {
        var page = JsonNode.Parse(await client.GetStringAsync($"/api/webhooks/notifications{query}"))!;
        return page["items"]!.AsArray().Select(n => n!.AsObject()).ToList();
    }

    public static async Task<JsonObject> TestAsync(HttpClient client, Guid endpointId)
    {
        var response = await client.PostAsync($"/api/webhooks/endpoints/{endpointId}/test", null);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"testing an endpoint answered {(int)response.StatusCode}: {json}");
        return JsonNode.Parse(json)!.AsObject();
    }
}
