using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;
using Inbox.Features.Shapes;
using Inbox.Features.Events;

namespace Inbox.Features.Conversations.Start;

/// <summary>
/// Opens a conversation with a contact. A user who starts one is its first participant (starting it is taking
/// part in it), with the assignee and every user named in participantIds. An API key starts one on behalf of
/// an integration; it is nobody's participant until someone posts, is assigned or reads it.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, ConversationResponse>
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
        var conversation = new ConversationRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = caller.AccountId,
            Subject = Blank(req.Subject),
            Channel = req.Channel ?? Request.DefaultChannel,
            Status = ConversationStatus.Open,
            ContactName = Blank(contact.Name),
            ContactEmail = Blank(contact.Email),
            ContactPhone = Blank(contact.Phone),
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
            await Data.InsertAsync(db, conversation, participants, ct);
            answer = (await ConversationReader.LoadOneAsync(db, caller.AccountId, caller.UserId, conversation.Id, ct))!;
            db.AfterCommit(() => events.Publish(new ConversationUpdated(caller.AccountId, answer.ToView(), Joined: [])));
            await work.CommitAsync(ct);
        }

        await Send.ResponseAsync(answer, StatusCodes.Status201Created, ct);
    }

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
