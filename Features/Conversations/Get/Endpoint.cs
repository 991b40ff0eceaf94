using Inbox.Features.Shapes;

namespace Inbox.Features.Conversations.Get;

/// <summary>One conversation of the caller's account; another account's id answers 404 like an unknown one.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, ConversationResponse>
{
    public override void Configure()
    {
        Get("/api/conversations/{id}");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var conversation = await ConversationReader.LoadOneAsync(db, caller.AccountId, caller.UserId, req.Id, ct);
        if (conversation is null)
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        await Send.OkAsync(conversation, ct);
    }
}
