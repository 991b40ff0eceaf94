using Inbox.Features.Seeding;
using Inbox.Infrastructure.Database;
using Inbox.Tests.Features.Conversations;

namespace Inbox.Tests.Features.Contacts;

public sealed class SeedTests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task The_seed_links_every_conversation_to_a_contact_with_lead_fields_and_its_last_interaction()
    {
        await Seeder.SeedAsync(app.Service<InboxDatabase>(), SystemClock.Instance.GetCurrentInstant(), CancellationToken.None);

        Assert.Equal(0, await app.ScalarSqlAsync<long>("SELECT count(*) FROM conversations WHERE contact_id IS NULL"));
        Assert.True(await app.ScalarSqlAsync<long>("SELECT count(DISTINCT lead_status) FROM contacts") >= 3);
        Assert.True(await app.ScalarSqlAsync<long>("SELECT count(*) FROM contacts WHERE owner_id IS NOT NULL AND source IS NOT NULL") > 0);
        Assert.Equal(0, await app.ScalarSqlAsync<long>(
            """
            SELECT count(*) FROM contacts ct
             WHERE ct.last_interaction_at IS DISTINCT FROM (SELECT max(m.created_at) FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.contact_id = ct.id)
            """));
        Assert.Equal(0, await app.ScalarSqlAsync<long>("SELECT count(*) FROM contacts ct WHERE NOT EXISTS (SELECT 1 FROM contact_lead_history h WHERE h.contact_id = ct.id)"));
    }
}
