using Inbox.Features.Shapes;

namespace Inbox.Features.Contacts.Conversations;

/// <summary>A contact's conversations, most recent activity first, in the contract's <c>conversation</c> shape.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Page<ConversationResponse>>
{
    public override void Configure()
    {
        Get("/api/contacts/{id}/conversations");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        if (!await Data.ExistsAsync(db, caller.AccountId, req.Id, ct))
            ThrowError("No such contact.", StatusCodes.Status404NotFound);
        var rows = await Data.PageAsync(db, caller.AccountId, req.Id, KeysetCursor.DecodeInstant(req.Cursor), req.Take + 1, ct);
        var page = rows.Take(req.Take).ToList();
        var next = rows.Count > req.Take ? KeysetCursor.Encode(page[^1].LastActivityAt, page[^1].Id) : null;
        var items = await Data.LoadAsync(db, caller.AccountId, caller.UserId, page.Select(c => c.Id).ToList(), ct);
        await Send.OkAsync(new Page<ConversationResponse>(items, next), ct);
    }
}
