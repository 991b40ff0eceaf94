namespace Inbox.Features.Webhooks.Notifications.List;

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
