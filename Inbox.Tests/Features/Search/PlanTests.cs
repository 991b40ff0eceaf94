using Inbox.Tests.Features.Conversations;
using Npgsql;
using SearchData = Inbox.Features.Search.Messages.Data;

namespace Inbox.Tests.Features.Search;

public sealed class PlanTests(InboxApp app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task On_200000_messages_the_search_is_served_by_the_gin_index()
    {
        var owner = await app.SignUpAsync();
        var conversation = await app.ClientFor(owner).StartConversationIdAsync();
        var neighbour = await app.SignUpAsync();
        var neighbourConversation = await app.ClientFor(neighbour).StartConversationIdAsync();
        // Bulk rows straight in SQL: 200,000 in the searched account, 50,000 beside it in another.
        await app.ExecuteSqlAsync(
            """
            INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
            SELECT gen_random_uuid(), @account, @conversation, 1000 + i, 'incoming',
                   'demande ' || i || ' : ' || (ARRAY['pompe', 'vanne', 'chaudière', 'filtre', 'compresseur'])[1 + i % 5]
                       || CASE WHEN i % 10000 = 0 THEN ' hydrocarbure' ELSE '' END,
                   'contact', 'Client', now() - make_interval(secs => i)
            FROM generate_series(1, @count) AS i
            """, ("account", owner.AccountId), ("conversation", conversation), ("count", 200_000));
        await app.ExecuteSqlAsync(
            """
            INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
            SELECT gen_random_uuid(), @account, @conversation, 1000 + i, 'incoming', 'hydrocarbure ' || i, 'contact', 'Client', now()
            FROM generate_series(1, 50000) AS i
            """, ("account", neighbour.AccountId), ("conversation", neighbourConversation));
        await app.ExecuteSqlAsync("ANALYZE messages");

        var plan = await ExplainAsync(owner.AccountId, "hydrocarbure");
        var hits = await app.ClientFor(owner).GetJsonAsync("/api/search/messages?q=hydrocarbure&limit=100");

        output.WriteLine(plan);
        Assert.Contains("messages_search", plan);
        Assert.DoesNotContain("Seq Scan on messages", plan);
        Assert.Equal(20, hits["items"]!.AsArray().Count);
    }

    async Task<string> ExplainAsync(Guid accountId, string q)
    {
        await using var connection = await app.OpenSqlAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF) " + SearchData.SearchSql, connection);
        command.Parameters.AddWithValue("q", q);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.Add(new NpgsqlParameter("conversation", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("afterRank", NpgsqlTypes.NpgsqlDbType.Double) { Value = DBNull.Value });
        command.Parameters.AddWithValue("afterId", Guid.Empty);
        command.Parameters.AddWithValue("take", 51);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }
}
