using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Tickets.Overdue;

/// <summary>An overdue, assigned ticket, its assignee, and one endpoint of its account that wants to hear about it.</summary>
sealed class Candidate
{
    [Column("endpoint_id")] public Guid EndpointId { get; set; }
    [Column("id")] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("title")] public string Title { get; set; } = "";
    [Column("description")] public string? Description { get; set; }
    [Column("status")] public string Status { get; set; } = "";
    [Column("priority")] public string Priority { get; set; } = "";
    [Column("machine_id")] public Guid? MachineId { get; set; }
    [Column("assignee_id")] public Guid AssigneeId { get; set; }
    [Column("scheduled_at")] public Instant ScheduledAt { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("updated_at")] public Instant UpdatedAt { get; set; }
    [Column("assignee_name")] public string AssigneeName { get; set; } = "";
    [Column("assignee_email")] public string AssigneeEmail { get; set; } = "";
    [Column("assignee_role")] public string AssigneeRole { get; set; } = "";
    [Column("assignee_created_at")] public Instant AssigneeCreatedAt { get; set; }

    public TicketRow Ticket => new()
    {
        Id = Id, AccountId = AccountId, Title = Title, Description = Description, Status = Status, Priority = Priority,
        MachineId = MachineId, AssigneeId = AssigneeId, ScheduledAt = ScheduledAt, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };

    public UserRow Assignee => new()
    {
        Id = AssigneeId, AccountId = AccountId, Name = AssigneeName, Email = AssigneeEmail, Role = AssigneeRole, CreatedAt = AssigneeCreatedAt,
    };
}

/// <summary>A delivery this instance has just leased, with where and how to post it.</summary>
sealed class DueDelivery
{
    [Column("id")] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("endpoint_id")] public Guid EndpointId { get; set; }
    [Column("ticket_id")] public Guid? TicketId { get; set; }
    [Column("event_id")] public string EventId { get; set; } = "";
    [Column("type")] public string Type { get; set; } = "";
    [Column("payload")] public string Payload { get; set; } = "";
    [Column("attempts")] public int Attempts { get; set; }
    [Column("max_attempts")] public int MaxAttempts { get; set; }
    [Column("url")] public string Url { get; set; } = "";
    [Column("secret")] public string Secret { get; set; } = "";

    public WebhookDeliveryRow Row => new()
    {
        Id = Id, AccountId = AccountId, EndpointId = EndpointId, TicketId = TicketId, EventId = EventId, Type = Type,
        Payload = Payload, State = DeliveryState.Pending, Attempts = Attempts, MaxAttempts = MaxAttempts,
    };
}

static class Data
{
    /// <summary>The selection of <see cref="FindCandidatesAsync"/>; a test EXPLAINs it to keep it on an index.</summary>
    public const string CandidatesSql =
        """
        SELECT e.id AS endpoint_id, t.id, t.account_id, t.title, t.description, t.status, t.priority, t.machine_id,
               t.assignee_id, t.scheduled_at, t.created_at, t.updated_at,
               u.name AS assignee_name, u.email AS assignee_email, u.role AS assignee_role, u.created_at AS assignee_created_at
        FROM tickets t
        JOIN users u ON u.id = t.assignee_id
        JOIN webhook_endpoints e ON e.account_id = t.account_id AND e.enabled AND e.deleted_at IS NULL AND 'ticket.overdue' = ANY (e.events)
        WHERE t.status IN ('received', 'diagnostic') AND t.scheduled_at IS NOT NULL AND t.assignee_id IS NOT NULL
          AND t.scheduled_at < @now
          AND NOT EXISTS (SELECT 1 FROM webhook_windows w
                          WHERE w.endpoint_id = e.id AND w.ticket_id = t.id AND w.window_start > @windowOpenAfter)
        ORDER BY t.scheduled_at, t.id, e.id
        LIMIT @limit
        """;

    /// <summary>
    /// The sweep's one selection, across every account: overdue, assigned tickets (the partial index
    /// <c>tickets_overdue_assigned</c>, whose predicate this repeats with literal statuses so the planner can use
    /// it), each with every enabled endpoint of its account subscribed to <c>ticket.overdue</c>, leaving out the
    /// pairs whose 24 h window is still open.
    /// </summary>
    public static Task<List<Candidate>> FindCandidatesAsync(InboxDb db, Instant now, Instant windowOpenAfter, int limit, CancellationToken ct) =>
        db.QueryToListAsync<Candidate>(
            CandidatesSql, ct,
            new DataParameter("now", now), new DataParameter("windowOpenAfter", windowOpenAfter), new DataParameter("limit", limit));

    /// <summary>
    /// Claims the (endpoint, ticket) window starting now and queues its event, in one statement. The window row's
    /// primary key decides between instances: a concurrent claim waits for the first, then finds its window_start
    /// too recent and claims nothing. The ticket is checked again here, since it may have moved since the selection.
    /// </summary>
    public static async Task<bool> TryClaimAsync(InboxDb db, Candidate pair, string eventId, string payload, Instant now, Instant windowOpenAfter, int maxAttempts, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            WITH claim AS (
                INSERT INTO webhook_windows AS w (endpoint_id, ticket_id, window_start)
                SELECT @endpoint, @ticket, @now
                WHERE EXISTS (SELECT 1 FROM tickets t
                              WHERE t.id = @ticket AND t.status IN ('received', 'diagnostic')
                                AND t.scheduled_at < @now AND t.assignee_id IS NOT NULL)
                  AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = @endpoint AND e.enabled AND e.deleted_at IS NULL)
                ON CONFLICT (endpoint_id, ticket_id) DO UPDATE SET window_start = EXCLUDED.window_start
                    WHERE w.window_start <= @windowOpenAfter
                RETURNING 1
            )
            INSERT INTO webhook_deliveries (id, account_id, endpoint_id, ticket_id, event_id, type, payload, state,
                                            attempts, max_attempts, next_attempt_at, created_at)
            SELECT @id, @account, @endpoint, @ticket, @eventId, 'ticket.overdue', @payload, 'pending', 0, @maxAttempts, @now, @now
            FROM claim
            """, ct,
            new DataParameter("id", Guid.CreateVersion7()), new DataParameter("account", pair.AccountId),
            new DataParameter("endpoint", pair.EndpointId), new DataParameter("ticket", pair.Id),
            new DataParameter("eventId", eventId), new DataParameter("payload", payload),
            new DataParameter("maxAttempts", maxAttempts), new DataParameter("now", now),
            new DataParameter("windowOpenAfter", windowOpenAfter)) == 1;

    /// <summary>
    /// Leases the next due delivery of an enabled endpoint. SKIP LOCKED lets instances pick side by side without
    /// waiting on each other; the lease keeps others off it while it is being posted (outside any transaction),
    /// and lets another instance take it over if this one dies before recording the attempt.
    /// </summary>
    public static async Task<DueDelivery?> LeaseNextDueAsync(InboxDb db, Instant now, Instant leaseUntil, CancellationToken ct) =>
        (await db.QueryToListAsync<DueDelivery>(
            """
            UPDATE webhook_deliveries d
            SET leased_until = @leaseUntil
            FROM (SELECT dd.id
                  FROM webhook_deliveries dd
                  JOIN webhook_endpoints e ON e.id = dd.endpoint_id AND e.enabled AND e.deleted_at IS NULL
                  WHERE dd.state = 'pending' AND dd.next_attempt_at <= @now AND (dd.leased_until IS NULL OR dd.leased_until <= @now)
                  ORDER BY dd.next_attempt_at, dd.id
                  LIMIT 1
                  FOR UPDATE OF dd SKIP LOCKED) due,
                 webhook_endpoints ep
            WHERE d.id = due.id AND ep.id = d.endpoint_id
            RETURNING d.id, d.account_id, d.endpoint_id, d.ticket_id, d.event_id, d.type, d.payload, d.attempts, d.max_attempts, ep.url, ep.secret
            """, ct,
            new DataParameter("now", now), new DataParameter("leaseUntil", leaseUntil))).FirstOrDefault();

    /// <summary>Retention: log rows past it, then finished deliveries no log row points at any more, and windows long closed.</summary>
    public static async Task DeleteExpiredAsync(InboxDb db, Instant cutoff, CancellationToken ct)
    {
        await db.WebhookNotifications.Where(n => n.SentAt < cutoff).DeleteAsync(ct);
        await db.WebhookDeliveries
            .Where(d => d.State != DeliveryState.Pending && d.CreatedAt < cutoff && !db.WebhookNotifications.Any(n => n.DeliveryId == d.Id))
            .DeleteAsync(ct);
        await db.WebhookWindows.Where(w => w.WindowStart < cutoff).DeleteAsync(ct);
    }
}
