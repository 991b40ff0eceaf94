namespace Inbox.Features.ReadReceipts.Unread;

public sealed record Item(Guid ConversationId, long UnreadCount, bool Muted);

public sealed record Response(long Total, IReadOnlyList<Item> Conversations);

/// <summary>
/// The caller's unread counts: every conversation they take part in that has unread messages or is muted (so a
/// client can show muted ones greyed out with their count), most recent activity first. <c>total</c> adds up the
/// unmuted ones only. Non-participants have no receipt and so nothing unread.
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
        var me = caller.UserId!.Value;
        // Only conversations with something after the receipt (or muted ones) are counted at all; the count runs
        // once per row, and rows whose new messages are all the caller's own drop out here.
        var rows = await (
            from p in db.ParticipantUnread
            join c in db.Conversations on p.ConversationId equals c.Id
            where p.UserId == me && p.AccountId == caller.AccountId && (p.Muted || c.LastSeq > p.LastReadSeq)
            orderby c.LastActivityAt descending, c.Id descending
            select new Item(p.ConversationId, p.UnreadCount, p.Muted)).ToListAsync(ct);
        var items = rows.Where(i => i.Muted || i.UnreadCount > 0).ToList();
        await Send.OkAsync(new Response(items.Where(i => !i.Muted).Sum(i => i.UnreadCount), items), ct);
    }
}
