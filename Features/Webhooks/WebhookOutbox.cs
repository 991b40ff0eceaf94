using System.Security.Cryptography;
using System.Text;
using LinqToDB.Data;

namespace Inbox.Features.Webhooks;

/// <summary>
/// One event a feature raises: its type (one of <see cref="WebhookEvents.Subscribable"/>), the exact JSON body to
/// sign and post, and a deduplication key that names this occurrence of the event (raising the same key twice
/// queues it once per endpoint). <see cref="TicketId"/> and <see cref="ContactId"/> are what the delivery log files it under,
/// when it is about a ticket or a contact.
/// </summary>
public sealed record WebhookEvent(Guid AccountId, string Type, string Payload, string DedupKey, Guid? TicketId = null, Guid? ContactId = null);

/// <summary>
/// How a feature hands an event to the engine: delivery rows written in the caller's transaction (so the event
/// is queued if and only if the caller's change commits), which <see cref="WebhookDispatcher"/> then posts. The
/// webhook-id of each delivery is derived from the deduplication key and the endpoint, so it is stable across
/// a retried enqueue and unique per endpoint (<c>event_id</c> is unique).
/// </summary>
public static class WebhookOutbox
{
    /// <summary>Queues <paramref name="evt"/> for every enabled endpoint of its account subscribed to its type; how many were queued.</summary>
    public static async Task<int> EnqueueAsync(InboxDb db, WebhookEvent evt, Instant now, CancellationToken ct)
    {
        var endpoints = await db.QueryToListAsync<Guid>(
            """
            SELECT id FROM webhook_endpoints
            WHERE account_id = @account AND enabled AND deleted_at IS NULL AND @type = ANY (events)
            ORDER BY created_at, id
            """, ct,
            new DataParameter("account", evt.AccountId), new DataParameter("type", evt.Type));
        var queued = 0;
        foreach (var endpointId in endpoints)
            if (await EnqueueAsync(db, evt, endpointId, now, ct))
                queued++;
        return queued;
    }

    /// <summary>
    /// Queues <paramref name="evt"/> for one endpoint the caller has already chosen (and checked is enabled and
    /// subscribed), as the overdue sweep does after claiming its window. False when this key was already queued for it.
    /// </summary>
    public static async Task<bool> EnqueueAsync(InboxDb db, WebhookEvent evt, Guid endpointId, Instant now, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO webhook_deliveries (id, account_id, endpoint_id, ticket_id, contact_id, event_id, type, payload, state,
                                            attempts, max_attempts, next_attempt_at, created_at)
            VALUES (@id, @account, @endpoint, @ticket, @contact, @eventId, @type, @payload, 'pending', 0, @maxAttempts, @now, @now)
            ON CONFLICT (event_id) DO NOTHING
            """, ct,
            new DataParameter("id", Guid.CreateVersion7()), new DataParameter("account", evt.AccountId),
            new DataParameter("endpoint", endpointId), new DataParameter("ticket", evt.TicketId, LinqToDB.DataType.Guid),
            new DataParameter("contact", evt.ContactId, LinqToDB.DataType.Guid),
            new DataParameter("eventId", EventIdFor(evt.DedupKey, endpointId)), new DataParameter("type", evt.Type),
            new DataParameter("payload", evt.Payload), new DataParameter("maxAttempts", Deliveries.MaxAttempts),
            new DataParameter("now", now)) == 1;

    /// <summary>
    /// The webhook-id of one event for one endpoint: <c>msg_</c> and a UUID made from a hash of both, marked as
    /// version 8 (RFC 9562's custom layout) so it is as well formed as a random one.
    /// </summary>
    public static string EventIdFor(string dedupKey, Guid endpointId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{endpointId:N}/{dedupKey}"));
        hash[6] = (byte)(hash[6] & 0x0F | 0x80);
        hash[8] = (byte)(hash[8] & 0x3F | 0x80);
        return $"msg_{new Guid(hash.AsSpan(0, 16), bigEndian: true)}";
    }
}

/// <summary>Bulk enqueueing for writes of many rows at once (the contact import): a fixed number of statements per batch.</summary>
public static class WebhookOutboxBatch
{
    /// <summary>
    /// Queues every event of <paramref name="events"/> (all of one account) for each enabled endpoint subscribed to
    /// its type: one query for the endpoints, one INSERT for all deliveries. The deliveries are the same rows
    /// <see cref="WebhookOutbox.EnqueueAsync(InboxDb, WebhookEvent, Instant, CancellationToken)"/> writes, so the
    /// dispatcher posts them the same way. How many deliveries were queued.
    /// </summary>
    public static async Task<int> EnqueueManyAsync(InboxDb db, Guid accountId, IReadOnlyList<WebhookEvent> events, Instant now, CancellationToken ct)
    {
        if (events.Count == 0) return 0;
        var endpoints = await db.WebhookEndpoints
            .Where(e => e.AccountId == accountId && e.Enabled && e.DeletedAt == null)
            .Select(e => new { e.Id, e.Events })
            .ToListAsync(ct);
        var rows = (
            from evt in events
            from endpoint in endpoints
            where endpoint.Events.Contains(evt.Type)
            select new
            {
                id = Guid.CreateVersion7(),
                endpoint_id = endpoint.Id,
                ticket_id = evt.TicketId,
                contact_id = evt.ContactId,
                event_id = WebhookOutbox.EventIdFor(evt.DedupKey, endpoint.Id),
                type = evt.Type,
                payload = evt.Payload,
            }).ToList();
        if (rows.Count == 0) return 0;
        return await db.ExecuteAsync(
            """
            INSERT INTO webhook_deliveries (id, account_id, endpoint_id, ticket_id, contact_id, event_id, type, payload, state,
                                            attempts, max_attempts, next_attempt_at, created_at)
            SELECT r.id, @account, r.endpoint_id, r.ticket_id, r.contact_id, r.event_id, r.type, r.payload, 'pending', 0, @maxAttempts, @now, @now
            FROM jsonb_to_recordset(CAST(@rows AS jsonb))
                 AS r(id uuid, endpoint_id uuid, ticket_id uuid, contact_id uuid, event_id text, type text, payload text)
            ON CONFLICT (event_id) DO NOTHING
            """, ct,
            new DataParameter("account", accountId), new DataParameter("maxAttempts", Deliveries.MaxAttempts),
            new DataParameter("now", now), new DataParameter("rows", System.Text.Json.JsonSerializer.Serialize(rows), DataType.Text));
    }
}
