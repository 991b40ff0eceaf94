using Inbox.Features.Shapes;

namespace Inbox.Features.ReadReceipts.List;

public sealed class Request
{
    public Guid Id { get; set; }
}

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
        if (!await db.Conversations.AnyAsync(c => c.Id == req.Id && c.AccountId == accountId, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        var receipts = await db.ParticipantUnread
            .Where(p => p.ConversationId == req.Id && p.AccountId == accountId)
            .OrderBy(p => p.JoinedAt).ThenBy(p => p.UserId)
            .ToListAsync(ct);
        await Send.OkAsync(receipts.Select(ReceiptResponse.From).ToList(), ct);
    }
}
