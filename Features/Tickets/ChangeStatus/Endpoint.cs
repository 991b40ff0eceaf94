using Inbox.Features.Events;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Tickets.ChangeStatus;

/// <summary>
/// Moves a ticket along the workflow (users only). Lock, check, update and history row are one transaction:
/// a refused transition (409, naming the allowed next states) changes nothing.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, TicketResponse>
{
    public override void Configure()
    {
        Post("/api/tickets/{id}/status");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        await using var tx = await db.BeginTransactionAsync(ct);
        var ticket = await Data.LockAsync(db, caller.AccountId, req.Id, ct);
        if (ticket is null)
            ThrowError("No such ticket.", StatusCodes.Status404NotFound);
        if (!Workflow.Allows(ticket.Status, req.Status!))
            ThrowError(Workflow.RefusalDetail(ticket.Status, req.Status!), StatusCodes.Status409Conflict);

        // Read the clock only once the lock is held, so a change that waited is never stamped before the one it waited for.
        var now = clock.NowForDatabase();
        await Data.MoveAsync(db, ticket, req.Status!, string.IsNullOrWhiteSpace(req.Note) ? null : req.Note.Trim(), caller.UserId, now, ct);
        await tx.CommitAsync(ct);
        var answer = TicketResponse.From(ticket, clock.GetCurrentInstant());
        events.Publish(new TicketUpdated(caller.AccountId, answer));
        await Send.OkAsync(answer, ct);
    }
}
