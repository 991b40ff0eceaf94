using Inbox.Features.Conversations;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

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
        req.Id = Route<Guid>("id");
        var caller = User.Caller();
        var me = caller.UserId!.Value;
        var latest = await Data.LatestAsync(db, caller.AccountId, req.Id, ct);
        if (latest is null)
        {
            await Problem.WriteAsync(HttpContext, StatusCodes.Status404NotFound, "No such conversation.");
            return;
        }
        var target = latest;
        if (req.MessageId is { } messageId)
        {
            var chosen = await Data.MessageAsync(db, caller.AccountId, req.Id, messageId, ct);
            if (chosen is null) ThrowError(r => r.MessageId!, "No such message in this conversation.");
            target = chosen;
        }

        var moved = await Data.MoveForwardAsync(db, caller.AccountId, req.Id, me, target, clock.NowForDatabase(), ct);
        var receipt = ReceiptResponse.From(await Data.ReceiptAsync(db, caller.AccountId, req.Id, me, ct));
        if (moved)
        {
            events.Publish(new ReadUpdated(caller.AccountId, receipt));
            await UnreadCounts.PublishAsync(db, events, Logger, caller.AccountId, req.Id, [me]);
        }
        await Send.OkAsync(receipt, ct);
    }
}
