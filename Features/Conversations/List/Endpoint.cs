using Inbox.Features.Shapes;

namespace Inbox.Features.Conversations.List;

/// <summary>
/// The account's conversations, most recent activity first. Every agent sees every conversation of their account
/// (a shared team inbox). Two statements per page whatever its size: the page of ids, then the one of
/// <see cref="ConversationReader"/>.
/// </summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Page<ConversationResponse>>
{
    public override void Configure()
    {
        Get("/api/conversations");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var keys = await Data.PageAsync(db, caller.AccountId, req.Status, req.AssigneeId, KeysetCursor.DecodeInstant(req.Cursor), req.Take + 1, ct);
        var page = keys.Take(req.Take).ToList();
        var items = await ConversationReader.LoadAsync(db, caller.AccountId, caller.UserId, page.Select(k => k.Id).ToList(), ct);
        // The cursor is the sort key the page query saw, even if a message has moved that conversation up since.
        var next = keys.Count > req.Take ? KeysetCursor.Encode(page[^1].LastActivityAt, page[^1].Id) : null;
        await Send.OkAsync(new Page<ConversationResponse>(items, next), ct);
    }
}
