namespace Inbox.Features.Webhooks.Notifications.List;

/// <summary>The delivery log: every attempt of every event posted for the account, one page at a time.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Page<Response>>
{
    public override void Configure()
    {
        Get("/api/webhooks/notifications");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // One row more than the page tells whether there is a next page.
        var rows = await Data.ListAsync(db, User.Caller().AccountId, req, KeysetCursor.DecodeInstant(req.Cursor), req.Take + 1, ct);
        var page = rows.Take(req.Take).ToList();
        var next = rows.Count > req.Take ? KeysetCursor.Encode(page[^1].SentAt, page[^1].Id) : null;
        var items = page.Select(n => new Response(n.Id, n.EventType, n.TicketId, n.ContactId, n.EndpointId, n.EventId, n.Attempt, n.StatusCode, n.Error, n.DurationMs, n.SentAt)).ToList();
        await Send.OkAsync(new Page<Response>(items, next), ct);
    }
}
