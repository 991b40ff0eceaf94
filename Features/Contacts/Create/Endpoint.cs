using FluentValidation.Results;
using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Contacts.Create;

/// <summary>
/// Adds a contact. Its email, phone and externalId are each unique in the account: a taken one is a 409 that
/// names the contact holding it (<c>existingContactId</c>), also when another request took it a moment before
/// (the insert meets that one's unique index entry and does nothing; the lookup then finds it).
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events, WebhookDispatcher dispatcher) : Endpoint<Request, ContactDetails>
{
    public override void Configure()
    {
        Post("/api/contacts");
        Roles(InboxRoles.UsersAndIntegrations);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        string? phone = null;
        if (ContactRules.Text(req.Phone) is { } typed)
        {
            if (!ContactRules.TryPhone(typed, await Data.PhoneRegionAsync(db, caller.AccountId, ct), out var e164))
                ThrowError(r => r.Phone!, ContactRules.PhoneMessage);
            phone = e164;
        }
        if (req.OwnerId is { } owner && !await ContactStore.IsUserOfAccountAsync(db, caller.AccountId, owner, ct))
            ThrowError(r => r.OwnerId!, "No such user in this account.");

        var now = clock.NowForDatabase();
        var row = new ContactRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = caller.AccountId,
            Name = ContactRules.Text(req.Name),
            Email = ContactRules.Email(req.Email),
            Phone = phone,
            ExternalId = ContactRules.Text(req.ExternalId),
            Company = ContactRules.Text(req.Company),
            Notes = ContactRules.Text(req.Notes),
            Fields = ContactFieldsJson.Write((req.Fields ?? []).ToDictionary(f => f.Key, f => f.Value!)),
            LeadCode = ContactRules.Text(req.LeadCode),
            LeadStatus = req.LeadStatus ?? Contacts.LeadStatus.New,
            Source = ContactRules.Text(req.Source),
            Score = req.Score,
            OwnerId = req.OwnerId,
            CreatedAt = now,
            UpdatedAt = now,
        };

        await using (var work = await db.BeginOrJoinTransactionAsync(ct))
        {
            if (!await ContactStore.TryInsertAsync(db, row, ct))
            {
                var duplicate = await ContactStore.DuplicateAsync(db, caller.AccountId, null, row.Email, row.Phone, row.ExternalId, ct);
                ThrowDuplicate(duplicate);
            }
            await ContactStore.AddHistoryAsync(db, row, null, row.LeadStatus, null, caller.UserId, now, ct);
            await ContactStore.RaiseAsync(db, events, dispatcher, WebhookEvents.ContactCreated, row, now, ct);
            await work.CommitAsync(ct);
        }
        await Send.ResponseAsync(ContactDetails.From(row), StatusCodes.Status201Created, ct);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowDuplicate(Duplicate? duplicate)
    {
        // The insert found a key taken; null would mean the holder was deleted in between: still a conflict to retry.
        var field = duplicate?.Field ?? "email";
        var failure = new ValidationFailure(field, $"This {field} already belongs to a contact of this account.");
        if (duplicate is not null) failure.CustomState = new ProblemExtension("existingContactId", duplicate.ExistingContactId);
        ThrowError(failure, StatusCodes.Status409Conflict);
    }
}
