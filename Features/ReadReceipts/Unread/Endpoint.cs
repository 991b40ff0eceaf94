namespace Inbox.Features.ReadReceipts.Unread;

/// <summary>
/// The caller's unread counts: every conversation they take part in that has unread messages or is muted (so a
/// client can show muted ones greyed out with their count), most recent activity first. <c>total</c> adds up the
/// unmuted ones only. Both are stored counts (docs/conversations.md), read without walking the user's other
/// conversations. Non-participants have no receipt and so nothing unread.
/// </summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/api/unread");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var caller = User.Caller();
        await Send.OkAsync(await Data.CountsAsync(db, caller.AccountId, caller.UserId!.Value, ct), ct);
    }
}
