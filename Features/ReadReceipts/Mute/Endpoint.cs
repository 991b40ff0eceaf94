using Inbox.Features.Events;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.ReadReceipts.Mute;

/// <summary>
/// Mutes or unmutes a conversation for the caller: a muted conversation keeps its own unread count but leaves the
/// total. Muting makes the caller a participant (the flag lives on their receipt); unmuting as a non-participant
/// changes nothing.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Put("/api/conversations/{id}/mute");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var me = caller.UserId!.Value;
        if (!await Data.ConversationExistsAsync(db, caller.AccountId, req.Id, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        var muted = req.Muted!.Value;
        var changed = await Data.SetMutedAsync(db, caller.AccountId, req.Id, me, muted, clock.NowForDatabase(), ct);
        if (changed)
            events.Publish(new MuteChanged(caller.AccountId, req.Id, me, muted));
        await Send.OkAsync(new Response(req.Id, muted), ct);
    }
}
