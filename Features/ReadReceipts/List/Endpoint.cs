using Inbox.Features.Shapes;

namespace Inbox.Features.ReadReceipts.List;

/// <summary>The receipt of every participant, in the order they joined, each with their own unread count.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, IReadOnlyList<ReceiptResponse>>
{
    public override void Configure()
    {
        Get("/api/conversations/{id}/receipts");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        if (!await Data.ConversationExistsAsync(db, accountId, req.Id, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        var receipts = await Data.ReceiptsAsync(db, accountId, req.Id, ct);
        await Send.OkAsync(receipts.Select(ReceiptResponse.From).ToList(), ct);
    }
}
