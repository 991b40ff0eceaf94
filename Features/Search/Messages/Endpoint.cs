using Inbox.Features.Shapes;

namespace Inbox.Features.Search.Messages;

/// <summary>
/// Full-text search over the caller's account's messages, in web-search syntax (<c>"exact phrase"</c>,
/// <c>-excluded</c>, <c>or</c>), case- and accent-insensitive; see Migrations/0006_search.sql for how words are matched.
/// <c>sort=relevance</c> (default) ranks the 2,000 newest matches best first, then the next 2,000, and so on;
/// <c>sort=recent</c> is newest first. See docs/search.md for the plans.
/// </summary>
public sealed class Endpoint(InboxDb db, IConfiguration configuration) : Endpoint<Request, Page<Response>>
{
    /// <summary>
    /// The relevance window is the contract's 2,000; the setting exists so tests can walk many windows with few
    /// rows (it is not documented as something to tune).
    /// </summary>
    public const string WindowSetting = "Search:RelevanceWindow";

    public override void Configure()
    {
        Get("/api/search/messages");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        if (!await Data.HasSearchableWordsAsync(db, req.Q!, ct))
            ThrowError(r => r.Q!, "The query has no words to search for (only stop words or punctuation).");
        if (req.ConversationId is { } conversationId && !await Data.ConversationExistsAsync(db, accountId, conversationId, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);

        var filters = new Data.SearchFilters(accountId, req.Q!, req.ConversationId, req.FromInstant, req.ToInstant);
        var page = req.ByRecency ? await RecentAsync(filters, req, ct) : await RelevanceAsync(filters, req, ct);
        await Send.OkAsync(page, ct);
    }

    static Response ToResponse(Hit h) => new(MessageResponse.From(h.ToRow()), h.Rank!.Value, Data.Highlight(h.Headline!));

    async Task<Page<Response>> RecentAsync(Data.SearchFilters filters, Request req, CancellationToken ct)
    {
        var hits = await Data.RecentAsync(db, filters, SearchCursor.DecodeRecent(req.Cursor), req.Take + 1, ct);
        var page = hits.Take(req.Take).ToList();
        var next = hits.Count > req.Take ? SearchCursor.Encode(page[^1].CreatedAt!.Value, page[^1].Id!.Value) : null;
        return new Page<Response>(page.Select(ToResponse).ToList(), next);
    }

    /// <summary>
    /// Reads the cursor's window from its position on; when that window runs out before the page is full (or the
    /// cursor sat on its last row), goes on with the next window, ranked afresh, and so on. A page is at most 100
    /// rows and a window 2,000, so that is one statement, or two when the page crosses a window's end.
    /// </summary>
    async Task<Page<Response>> RelevanceAsync(Data.SearchFilters filters, Request req, CancellationToken ct)
    {
        var window = Math.Max(1, configuration.GetValue(WindowSetting, Data.RelevanceWindow));
        var position = SearchCursor.DecodeRelevance(req.Cursor);
        (Instant At, Guid Id)? bound = position?.Window;
        (double Rank, Guid Id)? after = position is { } p ? (p.Rank, p.Id) : null;
        var hits = new List<(Hit Hit, (Instant At, Guid Id) Window)>();
        while (true)
        {
            var rows = await Data.WindowAsync(db, filters, bound, after, window, req.Take + 1 - hits.Count, ct);
            var edge = rows[0];
            if (edge.WindowNewestAt is not { } newestAt) break; // no match at or before the bound: nothing left
            var current = bound ?? (newestAt, edge.WindowNewestId!.Value);
            hits.AddRange(rows.Where(r => r.Id is not null).Select(r => (r, current)));
            if (hits.Count > req.Take || edge.NextWindowAt is not { } nextAt) break;
            bound = (nextAt, edge.NextWindowId!.Value);
            after = null;
        }

        var page = hits.Take(req.Take).ToList();
        var next = hits.Count > req.Take
            ? SearchCursor.Encode(new RelevancePosition(page[^1].Window, page[^1].Hit.Rank!.Value, page[^1].Hit.Id!.Value))
            : null;
        return new Page<Response>(page.Select(h => ToResponse(h.Hit)).ToList(), next);
    }
}
