using Inbox.Tests.Features.Conversations;
using SearchEndpoint = Inbox.Features.Search.Messages.Endpoint;

namespace Inbox.Tests.Features.Search;

/// <summary>
/// Search order (API.md, Search, (v2) Ordering), checked page by page against the contract written as one plain SQL
/// statement: sort=relevance is the matches in windows of the N newest (window 0 the newest), ranked within a window
/// by ts_rank_cd then id; sort=recent is newest first.
/// </summary>
static class Ordering
{
    /// <summary>Inserts matching and non-matching messages with distinct instants, a second apart, newest first.</summary>
    public static async Task InsertAsync(InboxApp app, Guid account, Guid conversation, int count, string word, int firstSeq = 1000, int secondsAgo = 0) =>
        await app.ExecuteSqlAsync(
            """
            INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
            SELECT gen_random_uuid(), @account, @conversation, @firstSeq + i, 'incoming',
                   -- 1 to 3 occurrences among 0 to 6 other words: a handful of distinct ranks, many ties broken by id
                   array_to_string(array_fill(@word::text, ARRAY[1 + i % 3]), ' ') || repeat(' pièce', i % 7)
                       || CASE WHEN i % 4 = 0 THEN ' rien' ELSE '' END,
                   'contact', 'Client', now() - make_interval(secs => @secondsAgo + i)
            FROM generate_series(1, @count) AS i
            """,
            ("account", account), ("conversation", conversation), ("firstSeq", firstSeq), ("word", word), ("count", count), ("secondsAgo", secondsAgo));

    /// <summary>The ids the contract orders, computed in one statement (filters as SQL over m).</summary>
    public static async Task<List<Guid>> ExpectedAsync(InboxApp app, Guid account, string word, string sort, int window, string filter = "true")
    {
        var order = sort == "recent"
            ? "ORDER BY created_at DESC, id DESC"
            : "ORDER BY (row_number() OVER (ORDER BY created_at DESC, id DESC) - 1) / @window, rank DESC, id DESC";
        await using var connection = await app.OpenSqlAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"""
            SELECT id FROM (
                SELECT m.id, m.created_at, ts_rank_cd(m.search_vector, websearch_to_tsquery('public.inbox_search', @q))::float8 AS rank
                FROM messages m
                WHERE m.account_id = @account AND m.search_vector @@ websearch_to_tsquery('public.inbox_search', @q) AND {filter}
            ) x
            {order}
            """, connection);
        command.Parameters.AddWithValue("q", word);
        command.Parameters.AddWithValue("account", account);
        command.Parameters.AddWithValue("window", (long)window);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>Every page of a search, following nextCursor to the end.</summary>
    public static async Task<List<JsonObject>> PagesAsync(HttpClient client, string query, string? cursor = null)
    {
        var pages = new List<JsonObject>();
        do
        {
            var page = await client.GetJsonAsync($"/api/search/messages?{query}{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
            pages.Add(page);
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return pages;
    }

    public static List<JsonNode> Items(IEnumerable<JsonObject> pages) => pages.SelectMany(p => p["items"]!.AsArray()).Select(i => i!).ToList();

    public static List<Guid> Ids(IEnumerable<JsonObject> pages) => Items(pages).Select(i => i["message"]!["id"]!.GetValue<Guid>()).ToList();
}

public sealed class OrderingTests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task A_word_with_4500_matches_pages_through_every_match_once_in_windows_of_the_2000_newest_ranked_within()
    {
        var owner = await app.SignUpAsync();
        var conversation = await app.ClientFor(owner).StartConversationIdAsync();
        await Ordering.InsertAsync(app, owner.AccountId, conversation, 4500, "facture");
        await Ordering.InsertAsync(app, owner.AccountId, conversation, 500, "devis", firstSeq: 10_000);

        var pages = await Ordering.PagesAsync(app.ClientFor(owner), "q=facture&limit=100");
        var items = Ordering.Items(pages);
        var ids = Ordering.Ids(pages);

        Assert.Equal(45, pages.Count);
        Assert.Equal(4500, ids.Distinct().Count());
        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "facture", "relevance", 2000), ids);
        // Spelled out: windows of 2,000, 2,000 and 500, each older than the one before, ranked best first within.
        var windows = items.Chunk(2000).ToList();
        Assert.Equal([2000, 2000, 500], windows.Select(w => w.Length));
        for (var w = 0; w < windows.Count; w++)
        {
            var ranks = windows[w].Select(i => i["rank"]!.GetValue<double>()).ToList();
            Assert.Equal(ranks.OrderDescending(), ranks);
            Assert.True(ranks.Distinct().Count() > 1);
            if (w > 0) Assert.True(Oldest(windows[w - 1]) > Newest(windows[w]));
        }
    }

    [Fact]
    public async Task Sort_recent_pages_newest_first_through_every_match_once()
    {
        var owner = await app.SignUpAsync();
        var conversation = await app.ClientFor(owner).StartConversationIdAsync();
        await Ordering.InsertAsync(app, owner.AccountId, conversation, 450, "facture");

        var ids = Ordering.Ids(await Ordering.PagesAsync(app.ClientFor(owner), "q=facture&limit=100&sort=recent"));

        Assert.Equal(450, ids.Distinct().Count());
        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "facture", "recent", 0), ids);
    }

    [Fact]
    public async Task Fewer_matches_than_a_window_are_ranked_best_first_over_all_of_them_as_before()
    {
        var owner = await app.SignUpAsync();
        var conversation = await app.ClientFor(owner).StartConversationIdAsync();
        await Ordering.InsertAsync(app, owner.AccountId, conversation, 57, "facture");

        var pages = await Ordering.PagesAsync(app.ClientFor(owner), "q=facture&limit=10");
        var ranks = Ordering.Items(pages).Select(i => i["rank"]!.GetValue<double>()).ToList();

        Assert.Equal(6, pages.Count);
        Assert.Equal(ranks.OrderDescending(), ranks);
        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "facture", "relevance", int.MaxValue), Ordering.Ids(pages));
    }

    static double Oldest(IEnumerable<JsonNode> items) => items.Min(i => DateTimeOffset.Parse(i["message"]!["createdAt"]!.GetValue<string>()).UtcTicks);
    static double Newest(IEnumerable<JsonNode> items) => items.Max(i => DateTimeOffset.Parse(i["message"]!["createdAt"]!.GetValue<string>()).UtcTicks);
}

/// <summary>The service with a relevance window of 7 (the internal setting), so a few rows cross many windows.</summary>
public sealed class SmallWindowApp : InboxApp
{
    public const int Window = 7;

    public SmallWindowApp() => With(SearchEndpoint.WindowSetting, Window.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

public sealed class SmallWindowOrderingTests(SmallWindowApp app) : IClassFixture<SmallWindowApp>
{
    async Task<(TestUser Owner, Guid First, Guid Second)> AccountAsync()
    {
        var owner = await app.SignUpAsync();
        var client = app.ClientFor(owner);
        var first = await client.StartConversationIdAsync();
        var second = await client.StartConversationIdAsync();
        // Interleaved in time: the first conversation's messages at odd seconds ago, the second's at even ones.
        await Ordering.InsertAsync(app, owner.AccountId, first, 30, "vanne");
        await Ordering.InsertAsync(app, owner.AccountId, second, 25, "vanne", secondsAgo: 1_000);
        await Ordering.InsertAsync(app, owner.AccountId, second, 10, "pompe", firstSeq: 5000);
        return (owner, first, second);
    }

    [Theory]
    [InlineData("relevance", 1)]
    [InlineData("relevance", 4)]
    [InlineData("relevance", 7)]
    [InlineData("relevance", 100)]
    [InlineData("recent", 4)]
    public async Task Every_match_appears_once_in_contract_order_whatever_the_page_size(string sort, int limit)
    {
        var (owner, _, _) = await AccountAsync();

        var ids = Ordering.Ids(await Ordering.PagesAsync(app.ClientFor(owner), $"q=vanne&limit={limit}&sort={sort}"));

        Assert.Equal(55, ids.Distinct().Count());
        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "vanne", sort, SmallWindow), ids);
    }

    [Theory]
    [InlineData("relevance")]
    [InlineData("recent")]
    public async Task Filters_apply_to_the_windows_and_pages_of_both_sorts(string sort)
    {
        var (owner, first, second) = await AccountAsync();
        var client = app.ClientFor(owner);
        // Whole milliseconds, so the service and the SQL below read the same instants.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var (from, to) = (now.AddSeconds(-1_020), now.AddSeconds(-10));
        string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

        var inSecond = Ordering.Ids(await Ordering.PagesAsync(client, $"q=vanne&limit=3&sort={sort}&conversationId={second}"));
        var inRange = Ordering.Ids(await Ordering.PagesAsync(client, $"q=vanne&limit=3&sort={sort}&from={Uri.EscapeDataString(Iso(from))}&to={Uri.EscapeDataString(Iso(to))}"));
        var both = Ordering.Ids(await Ordering.PagesAsync(client, $"q=vanne&limit=3&sort={sort}&conversationId={first}&from={Uri.EscapeDataString(Iso(from))}&to={Uri.EscapeDataString(Iso(to))}"));

        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "vanne", sort, SmallWindow, $"m.conversation_id = '{second}'"), inSecond);
        Assert.Equal(25, inSecond.Count);
        var range = $"m.created_at >= '{Iso(from)}' AND m.created_at < '{Iso(to)}'";
        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "vanne", sort, SmallWindow, range), inRange);
        Assert.InRange(inRange.Count, 15, 45);
        Assert.Equal(await Ordering.ExpectedAsync(app, owner.AccountId, "vanne", sort, SmallWindow, $"m.conversation_id = '{first}' AND {range}"), both);
        Assert.NotEmpty(both);
    }

    [Theory]
    [InlineData("relevance")]
    [InlineData("recent")]
    public async Task A_message_arriving_between_pages_shifts_nothing_the_cursor_pages_through(string sort)
    {
        var (owner, first, _) = await AccountAsync();
        var client = app.ClientFor(owner);
        var expected = await Ordering.ExpectedAsync(app, owner.AccountId, "vanne", sort, SmallWindow);

        var firstPage = await client.GetJsonAsync($"/api/search/messages?q=vanne&limit=5&sort={sort}");
        await client.PostMessageAsync(first, "une vanne de plus");
        var rest = await Ordering.PagesAsync(client, $"q=vanne&limit=5&sort={sort}", firstPage["nextCursor"]!.GetValue<string>());

        Assert.Equal(expected, Ordering.Ids([firstPage, .. rest]));
    }

    const int SmallWindow = SmallWindowApp.Window;
}
