using Inbox.Features.Shapes;

namespace Inbox.Features.Messages.List;

/// <summary>
/// A conversation's messages, by their seq (commit order, see 0002_conversations.sql): newest first page by page,
/// or with <c>?after=</c> oldest first from a message the client already has. Because seq follows commit order, a
/// catch-up never skips a message that committed late, and equal timestamps cannot split or repeat a page.
/// The cursor's sign carries the direction: a newest-first cursor holds the last seq, a catch-up cursor its
/// negation, so <c>?cursor=</c> alone continues either walk.
/// </summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Page<MessageResponse>>
{
    public override void Configure()
    {
        Get("/api/conversations/{id}/messages");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        if (!await Data.ConversationExistsAsync(db, accountId, req.Id, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);

        long? afterSeq = null;
        if (req.After is { } after)
        {
            afterSeq = await Data.SeqOfAsync(db, accountId, req.Id, after, ct);
            if (afterSeq is null) ThrowError(r => r.After!, "No such message in this conversation.");
        }
        var cursorKey = KeysetCursor.DecodeLong(req.Cursor)?.Key;
        if (cursorKey < 0) afterSeq = -cursorKey;

        var oldestFirst = afterSeq is not null;
        var rows = oldestFirst
            ? await Data.OldestFirstAsync(db, accountId, req.Id, afterSeq!.Value, req.Take + 1, ct)
            : await Data.NewestFirstAsync(db, accountId, req.Id, cursorKey, req.Take + 1, ct);

        var page = rows.Take(req.Take).ToList();
        string? next = null;
        if (rows.Count > req.Take)
            next = KeysetCursor.Encode(oldestFirst ? -page[^1].Seq : page[^1].Seq, page[^1].Id);
        await Send.OkAsync(new Page<MessageResponse>(page.Select(MessageResponse.From).ToList(), next), ct);
    }
}
