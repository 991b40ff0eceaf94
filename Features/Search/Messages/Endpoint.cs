using Inbox.Features.Shapes;

namespace Inbox.Features.Search.Messages;

/// <summary>
/// Full-text search over the caller's account's messages, in web-search syntax (<c>"exact phrase"</c>,
/// <c>-excluded</c>, <c>or</c>), case- and accent-insensitive; see Migrations/0006_search.sql for how words are matched.
/// </summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Page<Response>>
{
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

        var hits = await Data.SearchAsync(db, accountId, req.Q!, req.ConversationId, req.FromInstant, req.ToInstant,
            KeysetCursor.DecodeRank(req.Cursor), req.Take + 1, ct);
        var page = hits.Take(req.Take).Select(h => new Response(
            MessageResponse.From(h.ToRow()),
            h.Rank,
            Data.Highlight(h.Headline))).ToList();
        var next = hits.Count > req.Take ? KeysetCursor.Encode(page[^1].Rank, page[^1].Message.Id) : null;
        await Send.OkAsync(new Page<Response>(page, next), ct);
    }
}
