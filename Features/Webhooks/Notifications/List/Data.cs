namespace Inbox.Features.Webhooks.Notifications.List;

static class Data
{
    /// <summary>
    /// The account's attempts newest first (sent_at DESC, id DESC), after the cursor's row. Each filter has an index
    /// (account_id, filter, sent_at DESC, id DESC): ticket and contact (0005, 0011), endpoint and event type (0011).
    /// </summary>
    public static Task<List<WebhookNotificationRow>> ListAsync(InboxDb db, Guid accountId, Request filters, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var query = db.WebhookNotifications.Where(n => n.AccountId == accountId);
        if (filters.TicketId is { } ticket) query = query.Where(n => n.TicketId == ticket);
        if (filters.ContactId is { } contact) query = query.Where(n => n.ContactId == contact);
        if (filters.EndpointId is { } endpoint) query = query.Where(n => n.EndpointId == endpoint);
        if (filters.EventType is { } type) query = query.Where(n => n.EventType == type);
        if (after is var (at, id)) query = query.Where(n => n.SentAt < at || (n.SentAt == at && n.Id < id));
        return query.OrderByDescending(n => n.SentAt).ThenByDescending(n => n.Id).Take(take).ToListAsync(ct);
    }
}
