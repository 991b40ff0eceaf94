using Inbox.Features.Tickets;
using Inbox.Infrastructure.Database;
using Inbox.Features.Seeding;
using LinqToDB;
using LinqToDB.Async;

namespace Inbox.Tests.Features.Tickets;

public sealed class SeedTests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task The_seed_makes_machines_and_tickets_whose_histories_follow_the_workflow()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin, "agent");
        var now = SystemClock.Instance.GetCurrentInstant();
        await using (var db = app.Service<InboxDatabase>().Open())
            await TicketSeed.SeedAsync(db, admin.AccountId, [admin.Id, agent.Id], new Bogus.Faker("fr") { Random = new Bogus.Randomizer(7) }, now, CancellationToken.None);

        await using var check = app.Service<InboxDatabase>().Open();
        var tickets = await check.Tickets.Where(t => t.AccountId == admin.AccountId).ToListAsync();
        var history = await check.TicketHistory.Where(h => h.AccountId == admin.AccountId).OrderBy(h => h.Id).ToListAsync();
        var machines = await check.Machines.Where(m => m.AccountId == admin.AccountId).ToListAsync();

        Assert.Equal(TicketSeed.TicketCount, tickets.Count);
        Assert.True(machines.Count >= 3);
        Assert.Equal(TicketStatus.All.Order(), tickets.Select(t => t.Status).Distinct().Order());
        Assert.True(tickets.Count(t => Workflow.IsOverdue(t.Status, t.ScheduledAt, now)) >= 3);
        Assert.Contains(tickets, t => t.Title.Contains('é') || t.Title.Contains("d'"));
        Assert.Contains(tickets, t => t.Title.Contains("the ", StringComparison.OrdinalIgnoreCase));
        foreach (var ticket in tickets)
        {
            var changes = history.Where(h => h.TicketId == ticket.Id).ToList();
            Assert.Null(changes[0].FromStatus);
            Assert.Equal(Workflow.Initial, changes[0].ToStatus);
            Assert.Equal(ticket.CreatedAt, changes[0].At);
            for (var i = 1; i < changes.Count; i++)
            {
                Assert.Equal(changes[i - 1].ToStatus, changes[i].FromStatus);
                Assert.True(Workflow.Allows(changes[i].FromStatus!, changes[i].ToStatus));
                Assert.True(changes[i].At > changes[i - 1].At);
            }
            Assert.Equal(ticket.Status, changes[^1].ToStatus);
            Assert.Equal(ticket.UpdatedAt, changes[^1].At);
            Assert.True(ticket.UpdatedAt <= now);
        }

        // And the API serves them like any other ticket.
        var client = app.ClientFor(admin);
        var overdue = await TicketApi.ListIdsAsync(client, "?overdue=true&limit=100");
        Assert.Equal(tickets.Count(t => Workflow.IsOverdue(t.Status, t.ScheduledAt, SystemClock.Instance.GetCurrentInstant())), overdue.Count);
    }
}
