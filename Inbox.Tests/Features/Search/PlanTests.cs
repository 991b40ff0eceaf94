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

/// <summary>The statements are separate literals (the bench reads them as they are); their shared parts must not drift.</summary>
public sealed class StatementTests
{
    static readonly string[] Statements =
    [
        SearchData.ProbeSql, SearchData.RelevanceWalkSql, SearchData.RelevanceGinSql, SearchData.RecentWalkSql, SearchData.RecentGinSql,
    ];

    static string Flat(string sql) => System.Text.RegularExpressions.Regex.Replace(sql, @"\s+", " ");

    [Fact]
    public void Every_statement_computes_the_query_once_and_applies_the_same_filters()
    {
        foreach (var sql in Statements.Select(Flat))
        {
            Assert.StartsWith("WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q)", sql);
            Assert.Contains(
                "WHERE m.account_id = @account AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation) " +
                "AND (@from::timestamptz IS NULL OR m.created_at >= @from) AND (@to::timestamptz IS NULL OR m.created_at < @to) AND ", sql);
        }
    }

    [Fact]
    public void Walks_match_with_the_function_no_index_serves_and_gin_statements_with_the_operator()
    {
        foreach (var sql in new[] { SearchData.ProbeSql, SearchData.RelevanceWalkSql, SearchData.RecentWalkSql })
        {
            Assert.Contains("ts_match_vq(m.search_vector, (SELECT q FROM query))", sql);
            Assert.DoesNotContain("@@", sql);
        }
        foreach (var sql in new[] { SearchData.RelevanceGinSql, SearchData.RecentGinSql })
        {
            Assert.Contains("m.search_vector @@ (SELECT q FROM query)", sql);
            Assert.Contains("OFFSET 0", sql);
        }
    }

    [Fact]
    public void Every_page_gets_the_same_rank_and_headline()
    {
        var headline = Flat(
            """
            page.sender_name AS "SenderName", page.created_at AS "CreatedAt", page.rank AS "Rank",
            ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), (SELECT q FROM query),
                        'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS "Headline"
            """);
        foreach (var sql in Statements.Skip(1).Select(Flat))
        {
            Assert.Contains(headline, sql);
            Assert.Contains("ts_rank_cd(", sql);
        }
    }

    [Theory]
    [InlineData(999, 0, 2001, true)] // the filters keep fewer rows than the probe reads: walking all of them is cheap
    [InlineData(1000, 293, 2001, true)] // merci: ~6,800 rows to walk
    [InlineData(1000, 21, 2001, true)] // ~95,000 rows
    [InlineData(1000, 20, 2001, false)] // ~100,000 rows: the GIN index
    [InlineData(1000, 0, 2001, false)]
    [InlineData(1000, 1, 51, true)] // a page of 50 is found within ~51,000 rows
    [InlineData(1000, 0, 51, false)]
    public void The_probe_walks_when_the_walk_ends_within_the_limit(long scanned, long matched, int needed, bool walks) =>
        Assert.Equal(walks, SearchData.Walks(new SearchData.Probe { Scanned = scanned, Matched = matched }, needed));
}
