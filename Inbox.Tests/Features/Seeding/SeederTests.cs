using Inbox.Infrastructure.Database;
using Inbox.Features.Seeding;
using Inbox.Tests.Features.Conversations;

namespace Inbox.Tests.Features.Seeding;

public sealed class SeederTests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Seeding_fills_a_consistent_demo_that_a_user_can_sign_in_to_and_runs_only_once()
    {
        var database = app.Service<InboxDatabase>();
        var now = SystemClock.Instance.GetCurrentInstant();

        var seeded = await Seeder.SeedAsync(database, now, CancellationToken.None);
        var again = await Seeder.SeedAsync(database, now, CancellationToken.None);

        Assert.False(seeded.Skipped);
        Assert.Equal((3, 3 * (1 + Seeder.AgentsPerAccount), 200), (seeded.Accounts, seeded.Users, seeded.Conversations));
        Assert.InRange(seeded.Messages, 2_000, 10_000);
        Assert.True(again.Skipped);
        Assert.Equal(seeded.Messages, await app.ScalarSqlAsync<long>("SELECT count(*) FROM messages"));
        // French and English texts.
        Assert.True(await app.ScalarSqlAsync<long>("SELECT count(*) FROM messages WHERE body LIKE 'Bonjour%'") > 0);
        Assert.True(await app.ScalarSqlAsync<long>("SELECT count(*) FROM messages WHERE body LIKE 'Hi%' OR body LIKE 'Hello%'") > 0);
        // Every conversation's bookkeeping agrees with its messages: seqs 1..n, last message and activity.
        Assert.Equal(0, await app.ScalarSqlAsync<long>(
            """
            SELECT count(*) FROM conversations c
             WHERE c.last_seq <> (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)
                OR c.last_seq <> (SELECT max(seq) FROM messages m WHERE m.conversation_id = c.id)
                OR c.last_message_id <> (SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.seq = c.last_seq)
                OR c.last_activity_at <> (SELECT m.created_at FROM messages m WHERE m.conversation_id = c.id AND m.seq = c.last_seq)
            """));
        Assert.Equal(0, await app.ScalarSqlAsync<long>(
            """
            SELECT count(*) FROM conversation_participants p JOIN messages m ON m.id = p.last_read_message_id
             WHERE m.seq <> p.last_read_seq OR m.conversation_id <> p.conversation_id
            """));

        // The stored unread counts were set from the copied rows: a recount finds nothing to fix.
        await using (var db = database.Open())
            Assert.Equal(0, (await Inbox.Features.ReadReceipts.UnreadRecount.RunAsync(db, CancellationToken.None)).Fixed);

        var admin = await app.LoginAsync(Seeder.AdminEmail(0), Seeder.Password);
        var client = app.ClientFor(admin);
        var page = await client.GetJsonAsync("/api/conversations");
        Assert.Equal(50, page.Ids().Count);
        Assert.NotNull(page["nextCursor"]);
        var unread = await client.GetJsonAsync("/api/unread");
        Assert.True(unread["total"]!.GetValue<int>() > 0); // receipts part-way: something is unread
        var agent = await app.LoginAsync($"agent1@{Seeder.AdminEmail(1).Split('@')[1]}", Seeder.Password);
        Assert.NotEqual(admin.AccountId, agent.AccountId);
    }
}
