namespace Inbox.Tests.Features.Tickets;

public sealed class ConcurrencyTests(InboxApp app) : IClassFixture<InboxApp>
{
    const int Tickets = 15;

    /// <summary>
    /// Two status changes fired at once from <c>received</c>, one to diagnostic and one to completed, on many
    /// tickets so that both orders (and true overlaps) happen. Whatever the order, the ticket's status is the
    /// last history entry, each entry starts where the previous one ended, each is a transition the workflow
    /// allows, and every 200 answer left exactly one entry (no lost update, no phantom one).
    /// </summary>
    [Fact]
    public async Task Concurrent_status_changes_leave_a_consistent_ticket_and_history()
    {
        var admin = await app.SignUpAsync();
        var setup = app.ClientFor(admin);
        var ids = new List<Guid>();
        for (var i = 0; i < Tickets; i++) ids.Add(await TicketApi.OpenIdAsync(setup, $"Race {i}"));
        // Two clients, so the two requests of a pair travel on separate connections.
        var first = app.ClientFor(admin);
        var second = app.ClientFor(admin);

        var results = await Task.WhenAll(ids.Select(async id =>
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var toDiagnostic = Task.Run(async () => { await gate.Task; return await TicketApi.ChangeStatusAsync(first, id, "diagnostic"); });
            var toCompleted = Task.Run(async () => { await gate.Task; return await TicketApi.ChangeStatusAsync(second, id, "completed"); });
            gate.SetResult();
            return (Id: id, Answers: await Task.WhenAll(toDiagnostic, toCompleted));
        }));

        foreach (var (id, answers) in results)
        {
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"answered {(int)a.StatusCode}"));
            Assert.Equal(HttpStatusCode.OK, answers[1].StatusCode); // completed is reachable from both received and diagnostic

            var ticket = await TicketApi.GetAsync(setup, id);
            var history = await TicketApi.HistoryAsync(setup, id);
            Assert.Equal("completed", ticket["status"]!.GetValue<string>());
            Assert.Equal(1 + answers.Count(a => a.StatusCode == HttpStatusCode.OK), history.Count);
            Assert.Null(history[0]["from"]);
            Assert.Equal("received", history[0]["to"]!.GetValue<string>());
            for (var i = 1; i < history.Count; i++)
            {
                var from = history[i]["from"]!.GetValue<string>();
                var to = history[i]["to"]!.GetValue<string>();
                Assert.Equal(history[i - 1]["to"]!.GetValue<string>(), from);
                Assert.True(Inbox.Features.Tickets.Workflow.Allows(from, to), $"history holds the impossible {from} → {to}");
            }
            Assert.Equal(ticket["status"]!.GetValue<string>(), history[^1]["to"]!.GetValue<string>());
        }
    }
}
