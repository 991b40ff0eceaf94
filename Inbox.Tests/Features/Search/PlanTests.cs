using System.Text.RegularExpressions;
using Inbox.Tests.Features.Conversations;
using Npgsql;
using NpgsqlTypes;
using SearchData = Inbox.Features.Search.Messages.Data;

namespace Inbox.Tests.Features.Search;

/// <summary>
/// The statements' plans on 200,000 messages of one account (50,000 more in another): a rare word goes through the
/// GIN index, a common one walks messages_account_recent and stops early, for both sorts. The probe decides from the
/// searched account's own newest messages, so a word common in the other account (hydrocarbure) is still rare here.
/// </summary>
public sealed partial class PlanTests(PlanTests.Data data, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PlanTests.Data>
{
    /// <summary>The shared 250,000 rows, loaded once for the class.</summary>
    public sealed class Data : InboxApp
    {
        public TestUser Owner { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Owner = await this.SignUpAsync();
            var conversation = await this.ClientFor(Owner).StartConversationIdAsync();
            var neighbour = await this.SignUpAsync();
            var neighbourConversation = await this.ClientFor(neighbour).StartConversationIdAsync();
            // Bulk rows straight in SQL: 200,000 in the searched account ("pompe" in one of five, "hydrocarbure" in
            // 20), 50,000 "hydrocarbure" beside it in another.
            await this.ExecuteSqlAsync(
                """
                INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
                SELECT gen_random_uuid(), @account, @conversation, 1000 + i, 'incoming',
                       'demande ' || i || ' : ' || (ARRAY['pompe', 'vanne', 'chaudière', 'filtre', 'compresseur'])[1 + i % 5]
                           || CASE WHEN i % 10000 = 0 THEN ' hydrocarbure' ELSE '' END,
                       'contact', 'Client', now() - make_interval(secs => i)
                FROM generate_series(1, @count) AS i
                """, ("account", Owner.AccountId), ("conversation", conversation), ("count", 200_000));
            await this.ExecuteSqlAsync(
                """
                INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
                SELECT gen_random_uuid(), @account, @conversation, 1000 + i, 'incoming', 'hydrocarbure ' || i, 'contact', 'Client', now()
                FROM generate_series(1, 50000) AS i
                """, ("account", neighbour.AccountId), ("conversation", neighbourConversation));
            await this.ExecuteSqlAsync("ANALYZE messages");
        }
    }

    [Theory]
    [InlineData("relevance")]
    [InlineData("recent")]
    public async Task A_rare_word_is_served_by_the_gin_index(string sort)
    {
        var (walks, plan) = await PlanAsync("hydrocarbure", sort);
        var hits = await data.ClientFor(data.Owner).GetJsonAsync($"/api/search/messages?q=hydrocarbure&limit=100&sort={sort}");

        output.WriteLine(plan);
        Assert.False(walks);
        Assert.Contains("Bitmap Index Scan on messages_search", plan);
        Assert.DoesNotContain("messages_account_recent", plan);
        Assert.DoesNotContain("Seq Scan on messages", plan);
        Assert.Equal(20, hits["items"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("relevance", 2001)]
    [InlineData("recent", 51)]
    public async Task A_common_word_walks_the_newest_messages_and_stops_once_it_has_enough(string sort, int needed)
    {
        var (walks, plan) = await PlanAsync("pompe", sort);
        var hits = await data.ClientFor(data.Owner).GetJsonAsync($"/api/search/messages?q=pompe&limit=100&sort={sort}");

        output.WriteLine(plan);
        Assert.True(walks);
        Assert.Contains("Index Scan Backward using messages_account_recent", plan);
        Assert.DoesNotContain("messages_search", plan);
        Assert.DoesNotContain("Seq Scan on messages", plan);
        // One message in five matches: the walk reads about five times what it needs, not the 40,000 matches.
        var walk = WalkNode().Match(plan);
        Assert.True(walk.Success, plan);
        var read = long.Parse(walk.Groups["rows"].Value) + long.Parse(walk.Groups["removed"].Value);
        Assert.InRange(read, needed, needed * 6);
        Assert.Equal(100, hits["items"]!.AsArray().Count);
    }

    [GeneratedRegex(@"Index Scan Backward using messages_account_recent.*?actual rows=(?<rows>\d+).*?Rows Removed by Filter: (?<removed>\d+)", RegexOptions.Singleline)]
    private static partial Regex WalkNode();

    /// <summary>Runs the probe as the service does, then EXPLAINs the statement it chooses for the first page of 50.</summary>
    async Task<(bool Walks, string Plan)> PlanAsync(string q, string sort)
    {
        await using var connection = await data.OpenSqlAsync();
        var probe = new SearchData.Probe();
        await using (var command = Command(connection, SearchData.ProbeSql, q))
        {
            command.Parameters.Add(Null("boundAt", NpgsqlDbType.TimestampTz));
            command.Parameters.AddWithValue("boundId", Guid.Empty);
            command.Parameters.AddWithValue("boundExclusive", false);
            command.Parameters.AddWithValue("probe", SearchData.ProbeRows);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            probe.Scanned = reader.GetInt64(0);
            probe.Matched = reader.GetInt64(1);
        }

        var relevance = sort == "relevance";
        var walks = SearchData.Walks(probe, relevance ? SearchData.RelevanceWindow + 1 : 51);
        var sql = relevance
            ? walks ? SearchData.RelevanceWalkSql : SearchData.RelevanceGinSql
            : walks ? SearchData.RecentWalkSql : SearchData.RecentGinSql;
        await using var explain = Command(connection, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, q);
        if (relevance)
        {
            explain.Parameters.Add(Null("windowAt", NpgsqlDbType.TimestampTz));
            explain.Parameters.AddWithValue("windowId", Guid.Empty);
            explain.Parameters.Add(Null("afterRank", NpgsqlDbType.Double));
            explain.Parameters.AddWithValue("window", SearchData.RelevanceWindow);
        }
        else
        {
            explain.Parameters.Add(Null("afterAt", NpgsqlDbType.TimestampTz));
        }
        explain.Parameters.AddWithValue("afterId", Guid.Empty);
        explain.Parameters.AddWithValue("take", 51);
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return (walks, string.Join('\n', lines));
    }

    NpgsqlCommand Command(NpgsqlConnection connection, string sql, string q)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("q", q);
        command.Parameters.AddWithValue("account", data.Owner.AccountId);
        command.Parameters.Add(Null("conversation", NpgsqlDbType.Uuid));
        command.Parameters.Add(Null("from", NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Null("to", NpgsqlDbType.TimestampTz));
        return command;
    }

    static NpgsqlParameter Null(string name, NpgsqlDbType type) => new(name, type) { Value = DBNull.Value };
}
