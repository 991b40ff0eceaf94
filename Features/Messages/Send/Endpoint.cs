using Inbox.Features.ReadReceipts;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;
using Inbox.Features.Shapes;
using Inbox.Features.Events;

namespace Inbox.Features.Messages.Send;

/// <summary>
/// Posts a message. A user posts as themselves (<c>outgoing</c> by default) and becomes a participant; an API key
/// posts <c>incoming</c> messages on behalf of the contact, or <c>outgoing</c> ones as the integration.
/// Posting does not move the poster's own read receipt: a message from someone else may have committed just
/// before theirs without them having seen it, and it must stay unread for them.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, MessageResponse>
{
    public override void Configure()
    {
        Post("/api/conversations/{id}/messages");
        Roles(InboxRoles.UsersAndIntegrations);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var now = clock.NowForDatabase();
        var message = new MessageRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = caller.AccountId,
            ConversationId = req.Id,
            Direction = req.Direction ?? (caller.IsUser ? MessageDirection.Outgoing : MessageDirection.Incoming),
            Body = req.Body,
            CreatedAt = now,
        };

        SetSender(message, caller);
        var posted = await Data.PostAsync(db, message, ct);
        if (posted is null)
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        message.Seq = posted.Seq;
        message.SenderName = posted.SenderName;
        // Whose unread count this post changes: every other participant, and the poster only if they just joined
        // (and so may now have earlier messages to read).
        var changed = posted.PosterJoined ? [.. posted.Others, caller.UserId!.Value] : posted.Others;

        // Under an Idempotency-Key the post commits with the stored answer, after this handler: tell nobody before.
        db.AfterCommit(() => events.Publish(new MessageCreated(caller.AccountId, req.Id, MessageResponse.From(message), changed)));

        await Send.ResponseAsync(MessageResponse.From(message), StatusCodes.Status201Created, ct);
    }

    /// <summary>Who signs the message; a contact's name is filled in from the conversation when the post is written.</summary>
    static void SetSender(MessageRow message, Caller caller)
    {
        if (caller.UserId is { } userId)
        {
            message.SenderType = SenderType.User;
            message.SenderUserId = userId;
            message.SenderName = caller.Name;
        }
        else if (message.Direction == MessageDirection.Incoming)
        {
            message.SenderType = SenderType.Contact;
        }
        else
        {
            message.SenderType = SenderType.Integration;
            message.SenderApiKeyId = caller.ApiKeyId;
            message.SenderName = caller.Name;
        }
    }
}
