using FluentValidation.Results;
using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Contacts.Edit;

/// <summary>
/// Changes a contact's fields (users only). A key (email, phone, externalId) another contact holds is a 409 naming
/// it; a contact must keep at least one of name, email, phone or externalId. Raises <c>contact.updated</c>.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events, WebhookDispatcher dispatcher) : Endpoint<Request, ContactDetails>
{
    public override void Configure()
    {
        Patch("/api/contacts/{id}");
        Roles(InboxRoles.Users);
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        string? phone = null;
        if (req.Phone.IsSet && ContactRules.Text(req.Phone.Value) is { } typed)
        {
            if (!ContactRules.TryPhone(typed, await Data.PhoneRegionAsync(db, caller.AccountId, ct), out var e164))
                ThrowError(new ValidationFailure("phone", ContactRules.PhoneMessage), StatusCodes.Status400BadRequest);
            phone = e164;
        }
        if (req.OwnerId.Value is { } owner && !await ContactStore.IsUserOfAccountAsync(db, caller.AccountId, owner, ct))
            ThrowError(new ValidationFailure("ownerId", "No such user in this account."), StatusCodes.Status400BadRequest);

        ContactRow contact;
        await using (var work = await db.BeginOrJoinTransactionAsync(ct))
        {
            var locked = await Data.LockAsync(db, caller.AccountId, req.Id, ct);
            if (locked is null)
                ThrowError("No such contact.", StatusCodes.Status404NotFound);
            contact = locked;
            Apply(contact, req, phone);
            if (new[] { contact.Name, contact.Email, contact.Phone, contact.ExternalId }.All(v => v is null))
                ThrowError("A contact needs at least one of name, email, phone or externalId.", StatusCodes.Status400BadRequest);

            if (await ContactStore.DuplicateAsync(db, caller.AccountId, contact.Id, contact.Email, contact.Phone, contact.ExternalId, ct) is { } taken)
                ThrowDuplicate(taken);
            var now = clock.NowForDatabase();
            contact.UpdatedAt = now;
            if (!await Data.TryUpdateAsync(db, contact, ct))
                ThrowError("One of this contact's keys was taken by another contact meanwhile; try again.", StatusCodes.Status409Conflict);
            await ContactStore.RaiseAsync(db, events, dispatcher, WebhookEvents.ContactUpdated, contact, now, ct);
            await work.CommitAsync(ct);
        }
        await Send.OkAsync(ContactDetails.From(contact), ct);
    }

    static void Apply(ContactRow c, Request req, string? phone)
    {
        if (req.Name.IsSet) c.Name = ContactRules.Text(req.Name.Value);
        if (req.Email.IsSet) c.Email = ContactRules.Email(req.Email.Value);
        if (req.Phone.IsSet) c.Phone = phone;
        if (req.ExternalId.IsSet) c.ExternalId = ContactRules.Text(req.ExternalId.Value);
        if (req.Company.IsSet) c.Company = ContactRules.Text(req.Company.Value);
        if (req.Notes.IsSet) c.Notes = ContactRules.Text(req.Notes.Value);
        if (req.Fields.IsSet) c.Fields = ContactFieldsJson.Write((req.Fields.Value ?? []).ToDictionary(f => f.Key, f => f.Value!));
        if (req.LeadCode.IsSet) c.LeadCode = ContactRules.Text(req.LeadCode.Value);
        if (req.Source.IsSet) c.Source = ContactRules.Text(req.Source.Value);
        if (req.Score.IsSet) c.Score = req.Score.Value;
        if (req.OwnerId.IsSet) c.OwnerId = req.OwnerId.Value;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowDuplicate(Duplicate duplicate) =>
        ThrowError(new ValidationFailure(duplicate.Field, $"This {duplicate.Field} already belongs to a contact of this account.")
        {
            CustomState = new ProblemExtension("existingContactId", duplicate.ExistingContactId),
        }, StatusCodes.Status409Conflict);
}
