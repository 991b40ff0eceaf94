using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Contacts.ChangeLeadStatus;

/// <summary>
/// Moves a lead along the workflow (users only). Lock, check, update, history row and the <c>lead.status_changed</c>
/// outbox rows are one transaction: a refused move (409, naming the allowed statuses) changes and raises nothing.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events, WebhookDispatcher dispatcher) : Endpoint<Request, ContactDetails>
{
    public override void Configure()
    {
        Post("/api/contacts/{id}/lead-status");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        ContactRow contact;
        await using (var work = await db.BeginOrJoinTransactionAsync(ct))
        {
            var locked = await Data.LockAsync(db, caller.AccountId, req.Id, ct);
            if (locked is null)
                ThrowError("No such contact.", StatusCodes.Status404NotFound);
            contact = locked;
            var from = contact.LeadStatus;
            if (!LeadWorkflow.Allows(from, req.Status!))
                ThrowError(LeadWorkflow.RefusalDetail(from, req.Status!), StatusCodes.Status409Conflict);

            // Read the clock once the lock is held, so a move that waited is never stamped before the one it waited for.
            var now = clock.NowForDatabase();
            await Data.MoveAsync(db, contact, req.Status!, ContactRules.Text(req.Note), caller.UserId, now, ct);
            await ContactStore.RaiseAsync(db, events, dispatcher, WebhookEvents.LeadStatusChanged, contact, now, ct,
                new LeadChange(from, contact.LeadStatus, caller.UserId));
            await work.CommitAsync(ct);
        }
        await Send.OkAsync(ContactDetails.From(contact), ct);
    }
}
