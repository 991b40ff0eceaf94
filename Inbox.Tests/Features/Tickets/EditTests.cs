namespace Inbox.Tests.Features.Tickets;

/// <summary>PATCH changes only the fields present; <c>null</c> clears the optional ones.</summary>
public sealed class EditTests(InboxApp app) : IClassFixture<InboxApp>
{
    const string Scheduled = "2099-01-05T06:00:00.000Z";

    async Task<(HttpClient Client, TestUser Admin, Guid MachineId, Guid TicketId)> ArrangeAsync()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var machineId = await TicketApi.AddMachineAsync(client);
        var id = await TicketApi.OpenIdAsync(client, extra: new
        {
            title = "Tour CN : broche bruyante",
            description = "Depuis la révision",
            machineId,
            priority = "high",
            scheduledAt = Scheduled,
            assigneeId = admin.Id,
        });
        return (client, admin, machineId, id);
    }

    [Fact]
    public async Task Absent_fields_keep_their_values()
    {
        var (client, admin, machineId, id) = await ArrangeAsync();
        var before = await TicketApi.GetAsync(client, id);

        var response = await client.SendAsync(TicketApi.Patch(id, """{"title":"Tour CN : broche très bruyante"}"""));
        var after = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Tour CN : broche très bruyante", after["title"]!.GetValue<string>());
        Assert.Equal("Depuis la révision", after["description"]!.GetValue<string>());
        Assert.Equal("high", after["priority"]!.GetValue<string>());
        Assert.Equal(machineId, after["machineId"]!.GetValue<Guid>());
        Assert.Equal(admin.Id, after["assigneeId"]!.GetValue<Guid>());
        Assert.Equal(Scheduled, after["scheduledAt"]!.GetValue<string>());
        Assert.Equal(before["createdAt"]!.GetValue<string>(), after["createdAt"]!.GetValue<string>());
        Assert.True(Instant(after["updatedAt"]!) > Instant(before["updatedAt"]!));
    }

    [Fact]
    public async Task Null_clears_description_machine_schedule_and_assignee()
    {
        var (client, _, _, id) = await ArrangeAsync();

        var response = await client.SendAsync(TicketApi.Patch(id, """{"description":null,"machineId":null,"scheduledAt":null,"assigneeId":null}"""));
        var after = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(after["description"]);
        Assert.Null(after["machineId"]);
        Assert.Null(after["scheduledAt"]);
        Assert.Null(after["assigneeId"]);
        Assert.Equal("Tour CN : broche bruyante", after["title"]!.GetValue<string>());
        // And it is stored, not just answered.
        Assert.Null((await TicketApi.GetAsync(client, id))["machineId"]);
    }

    [Fact]
    public async Task An_empty_patch_changes_nothing()
    {
        var (client, _, _, id) = await ArrangeAsync();
        var before = await TicketApi.GetAsync(client, id);

        var response = await client.SendAsync(TicketApi.Patch(id, "{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before.ToJsonString(), JsonNode.Parse(await response.Content.ReadAsStringAsync())!.ToJsonString());
    }

    [Fact]
    public async Task A_patch_reassigns_to_another_user_and_machine_of_the_account()
    {
        var (client, admin, _, id) = await ArrangeAsync();
        var agent = await app.AddUserAsync(admin, "agent");
        var otherMachine = await TicketApi.AddMachineAsync(client, "Compresseur GA 30");

        var response = await client.SendAsync(TicketApi.Patch(id, $$"""{"assigneeId":"{{agent.Id}}","machineId":"{{otherMachine}}"}"""));
        var after = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(agent.Id, after["assigneeId"]!.GetValue<Guid>());
        Assert.Equal(otherMachine, after["machineId"]!.GetValue<Guid>());
        Assert.Contains(id, await TicketApi.ListIdsAsync(client, $"?assigneeId={agent.Id}&machineId={otherMachine}"));
    }

    [Fact]
    public async Task A_patch_does_not_change_the_status_or_write_history()
    {
        var (client, _, _, id) = await ArrangeAsync();

        var response = await client.SendAsync(TicketApi.Patch(id, """{"status":"archived","priority":"low"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("received", (await TicketApi.GetAsync(client, id))["status"]!.GetValue<string>());
        Assert.Single(await TicketApi.HistoryAsync(client, id));
    }

    [Fact]
    public async Task Only_the_body_patches_fields_never_the_query_string()
    {
        var (client, _, _, id) = await ArrangeAsync();
        var before = await TicketApi.GetAsync(client, id);

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/tickets/{id}?title=FromQuery&priority=low&assigneeId=abc")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before.ToJsonString(), (await TicketApi.GetAsync(client, id)).ToJsonString());
    }

    [Fact]
    public async Task Title_and_priority_cannot_be_cleared()
    {
        var (client, _, _, id) = await ArrangeAsync();

        var response = await client.SendAsync(TicketApi.Patch(id, """{"title":null,"priority":null}"""));

        await Snap.MatchAsync(response);
        Assert.Equal("Tour CN : broche bruyante", (await TicketApi.GetAsync(client, id))["title"]!.GetValue<string>());
    }

    static Instant Instant(JsonNode node) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(node.GetValue<string>()).Value;
}
