using System.Text;
using LinqToDB.Data;

namespace Inbox.Features.Search.Messages;

sealed class Hit
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public string Direction { get; set; } = "";
    public string Body { get; set; } = "";
    public string SenderType { get; set; } = "";
    public Guid? SenderUserId { get; set; }
    public Guid? SenderApiKeyId { get; set; }
    public string SenderName { get; set; } = "";
    public Instant CreatedAt { get; set; }
    public double Rank { get; set; }
    public string Headline { get; set; } = "";

    public MessageRow ToRow() => new()
    {
        Id = Id, ConversationId = ConversationId, Direction = Direction, Body = Body, SenderType = SenderType,
        SenderUserId = SenderUserId, SenderApiKeyId = SenderApiKeyId, SenderName = SenderName, CreatedAt = CreatedAt,
    };
}

static class Data
{
    // ts_headline marks matches with these two control characters, which are removed from the body first, so
    // after HTML-escaping everything they are the only places a <mark> can appear.
    public const char MarkStart = '\u0001';
    public const char MarkEnd = '\u0002';

    /// <summary>The search statement; a test EXPLAINs this very text to prove the GIN index serves it.</summary>
    public const string SearchSql =
        """
        WITH query AS (SELECT websearch_to_tsquery('public.inbox_search', @q) AS q),
        page AS (
            SELECT m.id, m.conversation_id, m.direction, m.body, m.sender_type, m.sender_user_id, m.sender_api_key_id,
                   m.sender_name, m.created_at, ts_rank_cd(m.search_vector, query.q)::float8 AS rank
            FROM messages m, query
            WHERE m.account_id = @account
              AND m.search_vector @@ query.q
              AND (@conversation::uuid IS NULL OR m.conversation_id = @conversation)
              AND (@from::timestamptz IS NULL OR m.created_at >= @from)
              AND (@to::timestamptz IS NULL OR m.created_at < @to)
              AND (@afterRank::float8 IS NULL OR (ts_rank_cd(m.search_vector, query.q)::float8, m.id) < (@afterRank, @afterId))
            ORDER BY rank DESC, m.id DESC
            LIMIT @take
        )
        SELECT page.id AS "Id", page.conversation_id AS "ConversationId", page.direction AS "Direction", page.body AS "Body",
               page.sender_type AS "SenderType", page.sender_user_id AS "SenderUserId", page.sender_api_key_id AS "SenderApiKeyId",
               page.sender_name AS "SenderName", page.created_at AS "CreatedAt", page.rank AS "Rank",
               ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), query.q,
                           'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS "Headline"
        FROM page, query
        ORDER BY page.rank DESC, page.id DESC
        """;

    /// <summary>Whether the query has anything to search for once stop words and punctuation are gone.</summary>
    public static async Task<bool> HasSearchableWordsAsync(InboxDb db, string q, CancellationToken ct) =>
        (await db.QueryToListAsync<int>("SELECT numnode(websearch_to_tsquery('public.inbox_search', @q))", ct, new DataParameter("q", q)))[0] > 0;

    public static async Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        await db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>
    /// Best match first (ts_rank_cd, then id for a stable order among equal ranks), keyset-paginated on that pair.
    /// The GIN index (account_id, search_vector) finds the matches; the headline is built only for the page's rows.
    /// </summary>
    public static Task<List<Hit>> SearchAsync(
        InboxDb db, Guid accountId, string q, Guid? conversationId, Instant? from, Instant? to, (double Rank, Guid Id)? after, int take, CancellationToken ct) =>
        db.QueryToListAsync<Hit>(SearchSql, ct,
            new DataParameter("q", q), new DataParameter("account", accountId),
            new DataParameter("conversation", conversationId, DataType.Guid),
            new DataParameter("from", from, DataType.DateTimeOffset), new DataParameter("to", to, DataType.DateTimeOffset),
            new DataParameter("afterRank", after?.Rank, DataType.Double), new DataParameter("afterId", after?.Id ?? Guid.Empty, DataType.Guid),
            new DataParameter("take", take));

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
