using System.Text;
using LinqToDB.Data;

namespace Inbox.Features.Search.Messages;

/// <summary>
/// One row of a relevance or recent statement of <see cref="Data"/>: one hit of the page and, for a relevance
/// window, the window's newest match and the match just older than the window (where the next window starts), on
/// every row, or alone on a row with a null <see cref="Id"/> when the window holds nothing after the cursor.
/// </summary>
sealed class Hit
{
    public Instant? WindowNewestAt { get; set; }
    public Guid? WindowNewestId { get; set; }
    public Instant? NextWindowAt { get; set; }
    public Guid? NextWindowId { get; set; }

    public Guid? Id { get; set; }
    public Guid? ConversationId { get; set; }
    public string? Direction { get; set; }
    public string? Body { get; set; }
    public string? SenderType { get; set; }
    public Guid? SenderUserId { get; set; }
    public Guid? SenderApiKeyId { get; set; }
    public string? SenderName { get; set; }
    public Instant? CreatedAt { get; set; }
    public double? Rank { get; set; }
    public string? Headline { get; set; }

    public MessageRow ToRow() => new()
    {
        Id = Id!.Value, ConversationId = ConversationId!.Value, Direction = Direction!, Body = Body!, SenderType = SenderType!,
        SenderUserId = SenderUserId, SenderApiKeyId = SenderApiKeyId, SenderName = SenderName!, CreatedAt = CreatedAt!.Value,
    };
}

static class Data
{
    // ts_headline marks matches with these two control characters, which are removed from the body first, so
    // after HTML-escaping everything they are the only places a <mark> can appear.
    public const char MarkStart = '\u0001';
    public const char MarkEnd = '\u0002';

    /// <summary>How many of the newest matches one relevance window ranks (API.md, Search, (v2) Ordering).</summary>
    public const int RelevanceWindow = 2000;

    /// <summary>How many of the newest (filtered) messages <see cref="ProbeSql"/> looks at.</summary>
    public const int ProbeRows = 1000;

    /// <summary>
    /// The most rows a walk is expected to read before the GIN index is the cheaper way. Measured at 1,000,000
    /// messages (docs/search.md), a walked row costs about a quarter of a match the GIN path fetches from the heap
    /// and sorts (3 µs against 12-16 µs on the same machine), so walking pays until it reads ~4× the matches: with
    /// a window of 2,000, a word in about 2 % of the messages, ~100,000 rows.
    /// </summary>
    public const int MaxWalkRows = 100_000;

    // Two ways to find the newest matches, and a cheap probe to choose between them.
    //
    // Walk: messages_account_recent newest first, keeping the rows that match, stopping once it has what it needs
    // (a window of 2,000, or a page). For a word in a fifth of the messages that reads ~10,000 rows, wherever the
    // word is in the index's statistics. The match is written as ts_match_vq(), the function behind @@, which no
    // index serves, so the planner cannot trade the walk for the GIN index (and its every match) on a guess.
    //
    // GIN: messages_search hands over every match of the account (the postings of account_id and of the words), then
    // the newest are sorted out of them: cheap when there are few.
    //
    // The tsquery is computed once in a MATERIALIZED CTE and read as an InitPlan value, so neither plan depends on
    // the planner's estimate for the words (a word common in other accounts can be rare in this one: the statistics
    // are the whole table's). The choice is made per account from its own newest messages: the probe.
    //
    // Each statement is one self-contained literal (the bench reads them from this file as they are). They share,
    // word for word: the query CTE, the filters (the optional ones fold away when null: Npgsql sends an unnamed
    // statement, planned with the bound values), and the page's columns with the headline, built for the page's
    // rows only. A test checks that the shared parts stay the same in all of them.

    /// <summary>
    /// The probe: of the newest @probe messages the filters keep at or before the bound (@boundAt, @boundId)
    /// (strictly before it when @boundExclusive, as sort=recent's cursor is), how many it read and how many match.
    /// See <see cref="Walks"/>.
    /// </summary>
    public const string ProbeSql =
        """
        WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q)
        SELECT count(*) AS "Scanned", count(*) FILTER (WHERE ts_match_vq(m.search_vector, (SELECT q FROM query))) AS "Matched"
        FROM (
            SELECT m.search_vector
            FROM messages m
            WHERE m.account_id = @account
              AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation)
              AND (@from::timestamptz IS NULL OR m.created_at >= @from)
              AND (@to::timestamptz IS NULL OR m.created_at < @to)
              AND (@boundAt::timestamptz IS NULL OR (m.created_at, m.id) <= (@boundAt, @boundId))
              AND (NOT @boundExclusive OR (m.created_at, m.id) <> (@boundAt, @boundId))
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT @probe
        ) m
        """;

    /// <summary>
    /// sort=relevance, one window, found by walking messages_account_recent (a common word). The window is the
    /// @window newest matches at or older than (@windowAt, @windowId) (the newest of all for the first page), holding
    /// only what its order and ranking need; it is ranked best first by ts_rank_cd then id, and the page after
    /// (@afterRank, @afterId) is read back by primary key. Every row also carries the window's newest match (the
    /// bound a cursor keeps, so messages arriving later never shift a window) and the newest match older than the
    /// window (the next window's bound; null when this window is the last); when the page is empty one row carries
    /// them alone (a null "Id").
    /// </summary>
    public const string RelevanceWalkSql =
        """
        WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q),
        win AS (
            SELECT m.id, m.created_at, m.search_vector
            FROM messages m
            WHERE m.account_id = @account
              AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation)
              AND (@from::timestamptz IS NULL OR m.created_at >= @from)
              AND (@to::timestamptz IS NULL OR m.created_at < @to)
              AND (@windowAt::timestamptz IS NULL OR (m.created_at, m.id) <= (@windowAt, @windowId))
              AND ts_match_vq(m.search_vector, (SELECT q FROM query))
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT @window + 1
        ),
        numbered AS (
            SELECT win.*, row_number() OVER (ORDER BY win.created_at DESC, win.id DESC) AS n FROM win
        ),
        edge AS (
            SELECT max(created_at) FILTER (WHERE n = 1) AS newest_at, (array_agg(id) FILTER (WHERE n = 1))[1] AS newest_id,
                   max(created_at) FILTER (WHERE n = @window + 1) AS next_at, (array_agg(id) FILTER (WHERE n = @window + 1))[1] AS next_id
            FROM numbered
        ),
        page_keys AS (
            SELECT ranked.id, ranked.rank
            FROM (SELECT numbered.id, ts_rank_cd(numbered.search_vector, (SELECT q FROM query))::float8 AS rank
                  FROM numbered WHERE numbered.n <= @window) ranked
            WHERE @afterRank::float8 IS NULL OR (ranked.rank, ranked.id) < (@afterRank, @afterId)
            ORDER BY ranked.rank DESC, ranked.id DESC
            LIMIT @take
        ),
        page AS (
            SELECT m.*, page_keys.rank FROM page_keys JOIN messages m ON m.id = page_keys.id
        )
        SELECT edge.newest_at AS "WindowNewestAt", edge.newest_id AS "WindowNewestId",
               edge.next_at AS "NextWindowAt", edge.next_id AS "NextWindowId",
               page.id AS "Id", page.conversation_id AS "ConversationId", page.direction AS "Direction", page.body AS "Body",
               page.sender_type AS "SenderType", page.sender_user_id AS "SenderUserId", page.sender_api_key_id AS "SenderApiKeyId",
               page.sender_name AS "SenderName", page.created_at AS "CreatedAt", page.rank AS "Rank",
               ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), (SELECT q FROM query),
                           'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS "Headline"
        FROM edge
        LEFT JOIN page ON true
        ORDER BY page.rank DESC, page.id DESC
        """;

    /// <summary>
    /// sort=relevance, one window, found through the GIN index messages_search (a rare word); otherwise the same as
    /// <see cref="RelevanceWalkSql"/>. OFFSET 0 keeps the matches apart from the ordering, so the planner fetches them
    /// through the index (it expects few: the query is unknown to it) rather than walking messages_account_recent.
    /// </summary>
    public const string RelevanceGinSql =
        """
        WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q),
        win AS (
            SELECT *
            FROM (SELECT m.id, m.created_at, m.search_vector
                  FROM messages m
                  WHERE m.account_id = @account
              AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation)
              AND (@from::timestamptz IS NULL OR m.created_at >= @from)
              AND (@to::timestamptz IS NULL OR m.created_at < @to)
              AND (@windowAt::timestamptz IS NULL OR (m.created_at, m.id) <= (@windowAt, @windowId))
              AND m.search_vector @@ (SELECT q FROM query)
                  OFFSET 0) m
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT @window + 1
        ),
        numbered AS (
            SELECT win.*, row_number() OVER (ORDER BY win.created_at DESC, win.id DESC) AS n FROM win
        ),
        edge AS (
            SELECT max(created_at) FILTER (WHERE n = 1) AS newest_at, (array_agg(id) FILTER (WHERE n = 1))[1] AS newest_id,
                   max(created_at) FILTER (WHERE n = @window + 1) AS next_at, (array_agg(id) FILTER (WHERE n = @window + 1))[1] AS next_id
            FROM numbered
        ),
        page_keys AS (
            SELECT ranked.id, ranked.rank
            FROM (SELECT numbered.id, ts_rank_cd(numbered.search_vector, (SELECT q FROM query))::float8 AS rank
                  FROM numbered WHERE numbered.n <= @window) ranked
            WHERE @afterRank::float8 IS NULL OR (ranked.rank, ranked.id) < (@afterRank, @afterId)
            ORDER BY ranked.rank DESC, ranked.id DESC
            LIMIT @take
        ),
        page AS (
            SELECT m.*, page_keys.rank FROM page_keys JOIN messages m ON m.id = page_keys.id
        )
        SELECT edge.newest_at AS "WindowNewestAt", edge.newest_id AS "WindowNewestId",
               edge.next_at AS "NextWindowAt", edge.next_id AS "NextWindowId",
               page.id AS "Id", page.conversation_id AS "ConversationId", page.direction AS "Direction", page.body AS "Body",
               page.sender_type AS "SenderType", page.sender_user_id AS "SenderUserId", page.sender_api_key_id AS "SenderApiKeyId",
               page.sender_name AS "SenderName", page.created_at AS "CreatedAt", page.rank AS "Rank",
               ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), (SELECT q FROM query),
                           'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS "Headline"
        FROM edge
        LEFT JOIN page ON true
        ORDER BY page.rank DESC, page.id DESC
        """;

    /// <summary>sort=recent: newest first (created_at, then id) after (@afterAt, @afterId), by walking messages_account_recent.</summary>
    public const string RecentWalkSql =
        """
        WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q),
        page AS (
            SELECT m.*, ts_rank_cd(m.search_vector, (SELECT q FROM query))::float8 AS rank
            FROM (SELECT m.*
                  FROM messages m
                  WHERE m.account_id = @account
              AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation)
              AND (@from::timestamptz IS NULL OR m.created_at >= @from)
              AND (@to::timestamptz IS NULL OR m.created_at < @to)
              AND (@afterAt::timestamptz IS NULL OR (m.created_at, m.id) < (@afterAt, @afterId))
              AND ts_match_vq(m.search_vector, (SELECT q FROM query))
                  ORDER BY m.created_at DESC, m.id DESC
                  LIMIT @take) m
        )
        SELECT page.id AS "Id", page.conversation_id AS "ConversationId", page.direction AS "Direction", page.body AS "Body",
               page.sender_type AS "SenderType", page.sender_user_id AS "SenderUserId", page.sender_api_key_id AS "SenderApiKeyId",
               page.sender_name AS "SenderName", page.created_at AS "CreatedAt", page.rank AS "Rank",
               ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), (SELECT q FROM query),
                           'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS "Headline"
        FROM page
        ORDER BY page.created_at DESC, page.id DESC
        """;

    /// <summary>sort=recent through the GIN index messages_search (OFFSET 0: see <see cref="RelevanceGinSql"/>).</summary>
    public const string RecentGinSql =
        """
        WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q),
        page AS (
            SELECT m.*, ts_rank_cd(m.search_vector, (SELECT q FROM query))::float8 AS rank
            FROM (SELECT *
                  FROM (SELECT m.*
                        FROM messages m
                        WHERE m.account_id = @account
              AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation)
              AND (@from::timestamptz IS NULL OR m.created_at >= @from)
              AND (@to::timestamptz IS NULL OR m.created_at < @to)
              AND (@afterAt::timestamptz IS NULL OR (m.created_at, m.id) < (@afterAt, @afterId))
              AND m.search_vector @@ (SELECT q FROM query)
                        OFFSET 0) m
                  ORDER BY m.created_at DESC, m.id DESC
                  LIMIT @take) m
        )
        SELECT page.id AS "Id", page.conversation_id AS "ConversationId", page.direction AS "Direction", page.body AS "Body",
               page.sender_type AS "SenderType", page.sender_user_id AS "SenderUserId", page.sender_api_key_id AS "SenderApiKeyId",
               page.sender_name AS "SenderName", page.created_at AS "CreatedAt", page.rank AS "Rank",
               ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), (SELECT q FROM query),
                           'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS "Headline"
        FROM page
        ORDER BY page.created_at DESC, page.id DESC
        """;

    /// <summary>Whether the query has anything to search for once stop words and punctuation are gone.</summary>
    public static async Task<bool> HasSearchableWordsAsync(InboxDb db, string q, CancellationToken ct) =>
        (await db.QueryToListAsync<int>("SELECT numnode(websearch_to_tsquery('public.inbox_search', @q))", ct, new DataParameter("q", q)))[0] > 0;

    public static async Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        await db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>The filters of one search, as the statements bind them.</summary>
    public sealed record SearchFilters(Guid AccountId, string Q, Guid? ConversationId, Instant? From, Instant? To);

    static DataParameter[] Bind(SearchFilters f, params DataParameter[] more) =>
    [
        new("q", f.Q), new("account", f.AccountId),
        new("conversation", f.ConversationId, DataType.Guid),
        new("from", f.From, DataType.DateTimeOffset), new("to", f.To, DataType.DateTimeOffset),
        .. more,
    ];

    /// <summary>What <see cref="ProbeSql"/> saw: how many of the newest filtered messages it read, how many matched.</summary>
    public sealed class Probe
    {
        public long Scanned { get; set; }
        public long Matched { get; set; }
    }

    /// <summary>
    /// Whether walking newest first is the cheaper way to the <paramref name="needed"/> newest matches: when the
    /// probe read every message the filters keep (the walk reads no more than that), or when the matches it saw
    /// say the walk ends within <see cref="MaxWalkRows"/> (needed × scanned / matched). Otherwise the word is rare
    /// here, whatever it is elsewhere, and the GIN index reads only its matches. In a wrong guess (a word dense in
    /// the newest messages, rare further back) the walk reads further; the answer is the same either way.
    /// </summary>
    public static bool Walks(Probe probe, int needed) =>
        probe.Scanned < ProbeRows || probe.Matched * MaxWalkRows >= (long)needed * probe.Scanned;

    public static async Task<Probe> ProbeAsync(
        InboxDb db, SearchFilters filters, (Instant At, Guid Id)? bound, bool boundExclusive, CancellationToken ct) =>
        (await db.QueryToListAsync<Probe>(ProbeSql, ct, Bind(filters,
            new DataParameter("boundAt", bound?.At, DataType.DateTimeOffset), new DataParameter("boundId", bound?.Id ?? Guid.Empty, DataType.Guid),
            new DataParameter("boundExclusive", boundExclusive && bound is not null), new DataParameter("probe", ProbeRows))))[0];

    /// <summary>
    /// One relevance window (the <paramref name="window"/> newest matches at or older than <paramref name="start"/>,
    /// or the newest of all), ranked, from after <paramref name="after"/>: at most <paramref name="take"/> hits, and
    /// always at least one row, which carries the window's bounds.
    /// </summary>
    public static async Task<List<Hit>> WindowAsync(
        InboxDb db, SearchFilters filters, (Instant At, Guid Id)? start, (double Rank, Guid Id)? after, int window, int take, CancellationToken ct)
    {
        var walk = Walks(await ProbeAsync(db, filters, start, boundExclusive: false, ct), window + 1);
        return await db.QueryToListAsync<Hit>(walk ? RelevanceWalkSql : RelevanceGinSql, ct, Bind(filters,
            new DataParameter("windowAt", start?.At, DataType.DateTimeOffset), new DataParameter("windowId", start?.Id ?? Guid.Empty, DataType.Guid),
            new DataParameter("afterRank", after?.Rank, DataType.Double), new DataParameter("afterId", after?.Id ?? Guid.Empty, DataType.Guid),
            new DataParameter("window", window), new DataParameter("take", take)));
    }

    /// <summary>Newest matches first, after <paramref name="after"/>: at most <paramref name="take"/> hits.</summary>
    public static async Task<List<Hit>> RecentAsync(InboxDb db, SearchFilters filters, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var walk = Walks(await ProbeAsync(db, filters, after, boundExclusive: true, ct), take);
        return await db.QueryToListAsync<Hit>(walk ? RecentWalkSql : RecentGinSql, ct, Bind(filters,
            new DataParameter("afterAt", after?.At, DataType.DateTimeOffset), new DataParameter("afterId", after?.Id ?? Guid.Empty, DataType.Guid),
            new DataParameter("take", take)));
    }

    /// <summary>HTML-escapes the headline, then turns the match markers into &lt;mark&gt; tags.</summary>
    public static string Highlight(string headline)
    {
        var html = new StringBuilder(headline.Length + 32);
        foreach (var c in headline)
        {
            html.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                MarkStart => "<mark>",
                MarkEnd => "</mark>",
                _ => c.ToString(),
            });
        }
        return html.ToString();
    }
}
