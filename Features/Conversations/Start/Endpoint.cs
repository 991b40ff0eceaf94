using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;
using Inbox.Features.Shapes;
using Inbox.Features.Events;
using Inbox.Features.Contacts;
using Inbox.Features.Webhooks;
using FluentValidation.Results;

namespace Inbox.Features.Conversations.Start;

/// <summary>
/// Opens a conversation with a contact. A user who starts one is its first participant (starting it is taking
/// part in it), with the assignee and every user named in participantIds. An API key starts one on behalf of
/// an integration; it is nobody's participant until someone posts, is assigned or reads it.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events, WebhookDispatcher dispatcher) : Endpoint<Request, ConversationResponse>
{
    public override void Configure()
    {
        Post("/api/conversations");
        Roles(InboxRoles.UsersAndIntegrations);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var named = (req.ParticipantIds ?? []).Distinct().ToList();
        var known = await Data.UsersOfAccountAsync(db, caller.AccountId, req.AssigneeId is { } a ? [.. named, a] : named, ct);
        if (req.AssigneeId is { } assignee && !known.Contains(assignee))
            ThrowError(r => r.AssigneeId!, "No such user in this account.");
        if (named.Any(id => !known.Contains(id)))
            ThrowError(r => r.ParticipantIds!, "Every participant must be a user of this account.");

        var now = clock.NowForDatabase();
        var contact = req.Contact!;
        string? phone = null;
        if (contact.Id is null && Blank(contact.Phone) is { } typed)
        {
            if (!ContactRules.TryPhone(typed, await Data.PhoneRegionAsync(db, caller.AccountId, ct), out var e164))
                ThrowError(new ValidationFailure("contact.phone", ContactRules.PhoneMessage), StatusCodes.Status400BadRequest);
            phone = e164;
        }
        var conversation = new ConversationRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = caller.AccountId,
            Subject = Blank(req.Subject),
            Channel = req.Channel ?? Request.DefaultChannel,
            Status = ConversationStatus.Open,
            ContactName = Blank(contact.Name),
            ContactEmail = Blank(contact.Email),
            ContactPhone = phone,
            ContactExternalId = Blank(contact.ExternalId),
            AssigneeId = req.AssigneeId,
            LastActivityAt = now,
            CreatedAt = now,
        };
        IEnumerable<Guid?> members = [caller.UserId, req.AssigneeId, .. named.Select(id => (Guid?)id)];
        var participants = members.OfType<Guid>().Distinct()
            .Select(userId => new ParticipantRow { ConversationId = conversation.Id, UserId = userId, AccountId = caller.AccountId, JoinedAt = now })
            .ToList();

        // The answer is read inside the transaction: once it commits, nothing is left that could fail and make
        // a client retry a done creation. Under an Idempotency-Key this joins the middleware's transaction, which
        // commits the conversation together with the stored answer.
        ConversationResponse answer;
        await using (var work = await db.BeginOrJoinTransactionAsync(ct))
        {
            await LinkContactAsync(conversation, contact, now, ct);
            await Data.InsertAsync(db, conversation, participants, ct);
            answer = (await ConversationReader.LoadOneAsync(db, caller.AccountId, caller.UserId, conversation.Id, ct))!;
            db.AfterCommit(() => events.Publish(new ConversationUpdated(caller.AccountId, answer.ToView(), Joined: [])));
            await work.CommitAsync(ct);
        }

        await Send.ResponseAsync(answer, StatusCodes.Status201Created, ct);
    }

    /// <summary>
    /// Links the conversation to its contact (issue 18): the one named by id, or the one its fields find, or a new
    /// one (raising contact.created in this transaction). The conversation keeps a copy of the contact's fields,
    /// which it shows again if the contact is deleted, and which signs the contact's messages.
    /// </summary>
    async Task LinkContactAsync(ConversationRow conversation, Request.ContactRequest contact, Instant now, CancellationToken ct)
    {
        ContactRow linked;
        if (contact.Id is { } id)
        {
            var found = await Data.ContactOfAccountAsync(db, conversation.AccountId, id, ct);
            if (found is null)
                ThrowError(new ValidationFailure("contact.id", "No such contact in this account."), StatusCodes.Status400BadRequest);
            linked = found;
        }
        else
        {
            var (row, created) = await ContactLinks.FindOrCreateAsync(db, conversation.AccountId, conversation.ContactName,
                ContactRules.Email(conversation.ContactEmail), conversation.ContactPhone, conversation.ContactExternalId, now, ct);
            if (created) await ContactStore.RaiseAsync(db, events, dispatcher, WebhookEvents.ContactCreated, row, now, ct);
            linked = row;
        }
        conversation.ContactId = linked.Id;
        conversation.ContactName = linked.Name ?? conversation.ContactName;
        conversation.ContactEmail = linked.Email ?? conversation.ContactEmail;
        conversation.ContactPhone = linked.Phone ?? conversation.ContactPhone;
        conversation.ContactExternalId = linked.ExternalId ?? conversation.ContactExternalId;
    }

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
