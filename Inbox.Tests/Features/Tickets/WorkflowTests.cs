namespace Inbox.Tests.Features.Tickets;

/// <summary>Every (from, to) pair of statuses through the API, against the contract's workflow written out by hand.</summary>
public sealed class WorkflowTests(InboxApp app) : IClassFixture<InboxApp>
{
    static readonly string[] Statuses = ["received", "diagnostic", "in_progress", "waiting_parts", "completed", "archived"];

    /// <summary>
    /// The contract, read independently of the service's table: received → diagnostic → in_progress ⇄
    /// waiting_parts → completed → archived, and every state before completed may go back to received or
    /// forward to completed. Staying put is not a transition.
    /// </summary>
    static readonly HashSet<(string From, string To)> Allowed =
    [
        ("received", "diagnostic"), ("received", "completed"),
        ("diagnostic", "in_progress"), ("diagnostic", "received"), ("diagnostic", "completed"),
        ("in_progress", "waiting_parts"), ("in_progress", "received"), ("in_progress", "completed"),
        ("waiting_parts", "in_progress"), ("waiting_parts", "received"), ("waiting_parts", "completed"),
        ("completed", "archived"),
    ];

    /// <summary>How a new ticket reaches each status.</summary>
    static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["received"] = [],
        ["diagnostic"] = ["diagnostic"],
        ["in_progress"] = ["diagnostic", "in_progress"],
        ["waiting_parts"] = ["diagnostic", "in_progress", "waiting_parts"],
        ["completed"] = ["completed"],
        ["archived"] = ["completed", "archived"],
    };

    public static TheoryData<string, string> EveryPair()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var from in Statuses)
            foreach (var to in Statuses)
                pairs.Add(from, to);
        return pairs;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task A_transition_is_allowed_exactly_when_the_workflow_says_so(string from, string to)
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.OpenIdAsync(client, $"From {from} to {to}");
        await TicketApi.WalkAsync(client, id, PathTo[from]);
        var historyBefore = await TicketApi.HistoryAsync(client, id);

        var response = await TicketApi.ChangeStatusAsync(client, id, to, "table-driven");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        if (Allowed.Contains((from, to)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(to, body["status"]!.GetValue<string>());
            var last = (await TicketApi.HistoryAsync(client, id))[^1];
            Assert.Equal(from, last["from"]!.GetValue<string>());
            Assert.Equal(to, last["to"]!.GetValue<string>());
            Assert.Equal("table-driven", last["note"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            // The detail names every state the ticket may move to instead.
            var detail = body["detail"]!.GetValue<string>();
            foreach (var next in Allowed.Where(p => p.From == from).Select(p => p.To))
                Assert.Contains(next, detail);
            // A refused transition changes nothing.
            Assert.Equal(from, (await TicketApi.GetAsync(client, id))["status"]!.GetValue<string>());
            Assert.Equal(historyBefore.Count, (await TicketApi.HistoryAsync(client, id)).Count);
        }
    }

    [Fact]
    public async Task The_final_state_says_it_is_final()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await TicketApi.OpenIdAsync(client, "Done and dusted");
        await TicketApi.WalkAsync(client, id, "completed", "archived");

        await Snap.MatchAsync(await TicketApi.ChangeStatusAsync(client, id, "received"));
    }
}
