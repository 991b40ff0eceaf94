using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;
using Inbox.Features.Shapes;

namespace Inbox.Features.ReadReceipts.Mark;

/// <summary>
/// Marks the conversation read up to a message (default: the latest). Never backwards: marking an older message
/// answers the current receipt unchanged and raises no event. Any user of the account may read any of its
/// conversations; doing so makes them a participant.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, ReceiptResponse>
{
    public override void Configure()
    {
        Post("/api/conversations/{id}/read");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var (outcome, receipt) = await MarkRead.RunAsync(db, events, caller.AccountId, caller.UserId!.Value, req.Id, req.MessageId, clock.NowForDatabase(), ct);
        if (outcome == MarkReadOutcome.ConversationNotFound)
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        if (outcome == MarkReadOutcome.MessageNotFound) ThrowError(r => r.MessageId!, "No such message in this conversation.");
        await Send.OkAsync(receipt!, ct);
    }
}
