using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Contacts.Merge;

/// <summary>
/// Merges a duplicate into this contact (admins), in one transaction: the duplicate's conversations and lead
/// history move here, fields this contact lacks are filled from it (custom fields too, this contact's values
/// winning), and the duplicate is deleted. Either id unknown to the account is a 404. Raises <c>contact.updated</c>.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events, WebhookDispatcher dispatcher) : Endpoint<Request, ContactDetails>
{
    public override void Configure()
    {
        Post("/api/contacts/{id}/merge");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var duplicateId = req.DuplicateId!.Value;
        ContactRow survivor;
        await using (var work = await db.BeginOrJoinTransactionAsync(ct))
        {
            await Data.MoveConversationsAsync(db, accountId, req.Id, duplicateId, ct);
            var locked = await Data.LockBothAsync(db, accountId, req.Id, duplicateId, ct);
            var found = locked.Find(c => c.Id == req.Id);
            var duplicate = locked.Find(c => c.Id == duplicateId);
            if (found is null)
                ThrowError("No such contact.", StatusCodes.Status404NotFound);
            if (duplicate is null)
                ThrowError(r => r.DuplicateId!, "No such contact in this account.", StatusCodes.Status404NotFound);
            survivor = found;

            var now = clock.NowForDatabase();
            await Data.MergeAsync(db, survivor, duplicate, now, ct);
            await ContactStore.RaiseAsync(db, events, dispatcher, WebhookEvents.ContactUpdated, survivor, now, ct);
            await work.CommitAsync(ct);
        }
        await Send.OkAsync(ContactDetails.From(survivor), ct);
    }
}
