namespace Inbox.Features.Webhooks.Notifications.List;

public sealed class Request : PageQuery
{
    [QueryParam] public Guid? TicketId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPageRules();
    }
}

public sealed record Response(
    Guid Id, Guid? TicketId, Guid EndpointId, string EventId, int Attempt, int? StatusCode, string? Error, int DurationMs, Instant SentAt);

static class Data
{
    /// <summary>The account's attempts newest first (sent_at DESC, id DESC), after the cursor's row; an index for each filter.</summary>
    public static Task<List<WebhookNotificationRow>> ListAsync(InboxDb db, Guid accountId, Guid? ticketId, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var query = db.WebhookNotifications.Where(n => n.AccountId == accountId);
        if (ticketId is { } ticket) query = query.Where(n => n.TicketId == ticket);
        if (after is var (at, id)) query = query.Where(n => n.SentAt < at || (n.SentAt == at && n.Id < id));
        return query.OrderByDescending(n => n.SentAt).ThenByDescending(n => n.Id).Take(take).ToListAsync(ct);
    }
}

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
        var rows = await Data.ListAsync(db, User.Caller().AccountId, req.TicketId, KeysetCursor.DecodeInstant(req.Cursor), req.Take + 1, ct);
        var page = rows.Take(req.Take).ToList();
        var next = rows.Count > req.Take ? KeysetCursor.Encode(page[^1].SentAt, page[^1].Id) : null;
        var items = page.Select(n => new Response(n.Id, n.TicketId, n.EndpointId, n.EventId, n.Attempt, n.StatusCode, n.Error, n.DurationMs, n.SentAt)).ToList();
        await Send.OkAsync(new Page<Response>(items, next), ct);
    }
}
