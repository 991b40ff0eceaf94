using Inbox.Features.Events;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Tickets.Edit;

/// <summary>Changes a ticket's fields (users only); a machine or assignee named must be of the caller's account.</summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, TicketResponse>
{
    public override void Configure()
    {
        Patch("/api/tickets/{id}");
        Roles(InboxRoles.Users);
        // Every field of Request carries a binding attribute, which FastEndpoints reads as "no JSON body here" and
        // then accepts any content type: this route takes JSON only, as the other PATCH routes (a text/plain body is a 415).
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        if (req.MachineId.Value is { } machineId && !await Data.MachineExistsAsync(db, accountId, machineId, ct))
            AddError(r => r.MachineId, "No such machine in this account.");
        if (req.AssigneeId.Value is { } assigneeId && !await Data.UserExistsAsync(db, accountId, assigneeId, ct))
            AddError(r => r.AssigneeId, "No such user in this account.");
        ThrowIfAnyErrors();

        var ticket = req.ChangesNothing
            ? await Data.FindAsync(db, accountId, req.Id, ct)
            : await Data.UpdateAsync(db, accountId, req, clock.NowForDatabase(), ct);
        if (ticket is null)
            ThrowError("No such ticket.", StatusCodes.Status404NotFound);
        var answer = TicketResponse.From(ticket, clock.GetCurrentInstant());
        // UpdateAsync has committed: the other pages of the account may show the change now. An edit that changes
        // nothing tells nobody.
        if (!req.ChangesNothing)
            events.Publish(new TicketUpdated(accountId, answer));
        await Send.OkAsync(answer, ct);
    }
}
