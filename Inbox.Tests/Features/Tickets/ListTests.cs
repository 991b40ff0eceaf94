using Inbox.Features.Tickets.List;
using Inbox.Infrastructure.Database;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Inbox.Tests.Features.Tickets;

public sealed class ListTests(InboxApp app) : IClassFixture<InboxApp>
{
    const string Past = "2021-06-15T07:30:00.000Z";
    const string Future = "2099-03-02T08:00:00.000Z";

    [Fact]
    public async Task Filters_select_by_status_assignee_machine_and_overdue()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var agent = await app.AddUserAsync(admin, "agent");
        var lathe = await TicketApi.AddMachineAsync(client, "Tour");
        var press = await TicketApi.AddMachineAsync(client, "Presse");

        var overdueReceived = await TicketApi.OpenIdAsync(client, extra: new { title = "Overdue, received", scheduledAt = Past, machineId = lathe });
        var overdueDiagnostic = await TicketApi.OpenIdAsync(client, extra: new { title = "Overdue, diagnostic", scheduledAt = Past, assigneeId = agent.Id });
        await TicketApi.WalkAsync(client, overdueDiagnostic, "diagnostic");
        var lateButWorkedOn = await TicketApi.OpenIdAsync(client, extra: new { title = "Past schedule, in progress", scheduledAt = Past, machineId = press });
        await TicketApi.WalkAsync(client, lateButWorkedOn, "diagnostic", "in_progress");
        var scheduledLater = await TicketApi.OpenIdAsync(client, extra: new { title = "Scheduled later", scheduledAt = Future, assigneeId = agent.Id, machineId = lathe });
        var unscheduled = await TicketApi.OpenIdAsync(client, extra: new { title = "Unscheduled", assigneeId = admin.Id });
        await TicketApi.WalkAsync(client, unscheduled, "completed");

        Assert.Equal([unscheduled, scheduledLater, lateButWorkedOn, overdueDiagnostic, overdueReceived], await TicketApi.ListIdsAsync(client, ""));
        Assert.Equal([scheduledLater, overdueReceived], await TicketApi.ListIdsAsync(client, "?status=received"));
        Assert.Equal([lateButWorkedOn], await TicketApi.ListIdsAsync(client, "?status=in_progress"));
        Assert.Equal([scheduledLater, overdueDiagnostic], await TicketApi.ListIdsAsync(client, $"?assigneeId={agent.Id}"));
        Assert.Equal([scheduledLater, overdueReceived], await TicketApi.ListIdsAsync(client, $"?machineId={lathe}"));
        Assert.Equal([overdueDiagnostic, overdueReceived], await TicketApi.ListIdsAsync(client, "?overdue=true"));
        Assert.Equal([unscheduled, scheduledLater, lateButWorkedOn], await TicketApi.ListIdsAsync(client, "?overdue=false"));
        Assert.Equal([overdueReceived], await TicketApi.ListIdsAsync(client, $"?overdue=true&machineId={lathe}&status=received"));
        Assert.Empty(await TicketApi.ListIdsAsync(client, $"?overdue=true&assigneeId={admin.Id}"));

        var page = JsonNode.Parse(await client.GetStringAsync("/api/tickets?overdue=true"))!;
        Assert.All(page["items"]!.AsArray(), t => Assert.True(t!["overdue"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Pages_walk_every_ticket_once_newest_first_even_with_equal_timestamps()
    {
        var owner = await app.SignUpAsync();
        var client = app.ClientFor(owner);
        for (var i = 0; i < 7; i++) await TicketApi.OpenIdAsync(client, $"Ticket {i}");
        // Give five of them one and the same creation instant, so page boundaries fall inside a tie.
        var tie = Instant.FromUtc(2026, 1, 1, 12, 0);
        await using (var db = app.Service<InboxDatabase>().Open())
        {
            var ids = await db.Tickets.Where(t => t.AccountId == owner.AccountId).OrderBy(t => t.CreatedAt).Select(t => t.Id).Take(5).ToListAsync();
            await db.Tickets.Where(t => ids.Contains(t.Id)).Set(t => t.CreatedAt, tie).UpdateAsync();
        }
        var all = await TicketApi.ListIdsAsync(client, "");
        var expected = await app.Service<InboxDatabase>().Open().QueryToListAsync<Guid>(
            "SELECT id FROM tickets WHERE account_id = @account ORDER BY created_at DESC, id DESC", new DataParameter("account", owner.AccountId));
        Assert.Equal(expected, all);

        var walked = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = cursor is null ? "?limit=2" : $"?limit=2&cursor={Uri.EscapeDataString(cursor)}";
            var page = JsonNode.Parse(await client.GetStringAsync($"/api/tickets{query}"))!;
            walked.AddRange(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(4, pages);
        Assert.Equal(7, all.Count);
        Assert.Equal(all, walked);
    }

    [Fact]
    public async Task The_overdue_filter_is_served_by_the_partial_index()
    {
        var owner = await app.SignUpAsync();
        var client = app.ClientFor(owner);
        var overdue = await TicketApi.OpenIdAsync(client, extra: new { title = "Overdue", scheduledAt = Past });
        await using var db = app.Service<InboxDatabase>().Open();
        // Many closed tickets whose schedule is long past: the rows the partial index leaves out.
        await db.ExecuteAsync(
            """
            INSERT INTO tickets (id, account_id, title, status, priority, scheduled_at, created_at, updated_at)
            SELECT gen_random_uuid(), @account, 'Closed ' || n, CASE WHEN n % 2 = 0 THEN 'completed' ELSE 'archived' END, 'medium',
                   now() - interval '400 days' + n * interval '1 minute', now() - interval '300 days' + n * interval '1 minute', now()
            FROM generate_series(1, 20000) AS n
            """,
            new DataParameter("account", owner.AccountId));
        await db.ExecuteAsync("ANALYZE tickets");

        var query = Data.Query(db, owner.AccountId, new Filters(null, null, null, Overdue: true), SystemClock.Instance.GetCurrentInstant(), null).Take(51);
        var sql = query.ToSqlQuery();
        var plan = string.Join("\n", await db.QueryToListAsync<string>("EXPLAIN " + sql.Sql, sql.Parameters.ToArray()));

        Assert.Contains("tickets_overdue", plan);
        Assert.Equal([overdue], await TicketApi.ListIdsAsync(client, "?overdue=true"));
    }
}
