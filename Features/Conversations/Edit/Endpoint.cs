using Inbox.Features.ReadReceipts;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;
using Inbox.Features.Shapes;
using Inbox.Features.Events;

namespace Inbox.Features.Conversations.Edit;

/// <summary>
/// Changes the subject, status or assignee. A new assignee becomes a participant (and so starts with every
/// earlier message unread); the previous one stays a participant. lastActivityAt only moves with messages.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, ConversationResponse>
{
    public override void Configure()
    {
        Patch("/api/conversations/{id}");
        Roles(InboxRoles.Users);
        // Every field of Request carries a binding attribute, which FastEndpoints reads as "no JSON body here" and
        // then accepts any content type. This route has always taken JSON only (a text/plain body is a 415): say so.
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        if (!await Data.ExistsAsync(db, caller.AccountId, req.Id, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        if (req.AssigneeId.Value is { } assignee && !await Data.IsUserOfAccountAsync(db, caller.AccountId, assignee, ct))
            ThrowError(r => r.AssigneeId, "No such user in this account.");

        var joined = false;
        ConversationResponse answer;
        await using (var tx = await db.BeginTransactionAsync(ct))
        {
            await Data.UpdateAsync(db, caller.AccountId, req, ct);
            if (req.AssigneeId.Value is { } newAssignee)
                joined = await Data.JoinAsync(db, caller.AccountId, req.Id, newAssignee, clock.NowForDatabase(), ct);
            answer = (await ConversationReader.LoadOneAsync(db, caller.AccountId, caller.UserId, req.Id, ct))!;
            await tx.CommitAsync(ct);
        }

        // A new assignee joins as a participant, and may now have unread messages.
        events.Publish(new ConversationUpdated(caller.AccountId, answer.ToView(), joined ? [req.AssigneeId.Value!.Value] : []));
        await Send.OkAsync(answer, ct);
    }
}
