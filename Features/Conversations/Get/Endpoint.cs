namespace Inbox.Features.Conversations.Get;

public sealed class Request
{
    public Guid Id { get; set; }
}

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
        {
            await Problem.WriteAsync(HttpContext, StatusCodes.Status404NotFound, "No such conversation.");
            return;
        }
        await Send.OkAsync(conversation, ct);
    }
}
