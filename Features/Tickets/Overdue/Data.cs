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
    [Column("assignee_active")] public bool AssigneeActive { get; set; }

    public TicketRow Ticket => new()
    {
        Id = Id, AccountId = AccountId, Title = Title, Description = Description, Status = Status, Priority = Priority,
        MachineId = MachineId, AssigneeId = AssigneeId, ScheduledAt = ScheduledAt, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };

    public UserRow Assignee => new()
    {
        Id = AssigneeId, AccountId = AccountId, Name = AssigneeName, Email = AssigneeEmail, Role = AssigneeRole, CreatedAt = AssigneeCreatedAt,
        Active = AssigneeActive,
    };
}

static class Data
{
    /// <summary>The selection of <see cref="FindCandidatesAsync"/>; a test EXPLAINs it to keep it on an index.</summary>
    public const string CandidatesSql =
        """
        SELECT e.id AS endpoint_id, t.id, t.account_id, t.title, t.description, t.status, t.priority, t.machine_id,
               t.assignee_id, t.scheduled_at, t.created_at, t.updated_at,
               u.name AS assignee_name, u.email AS assignee_email, u.role AS assignee_role, u.created_at AS assignee_created_at,
               u.active AS assignee_active
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
    /// Claims the (endpoint, ticket) window starting now. The window row's primary key decides between instances: a
    /// concurrent claim waits for the first (until its transaction commits), then finds its window_start too recent
    /// and claims nothing. The ticket and the endpoint are checked again here, since they may have moved since the
    /// selection. The caller queues the event in the same transaction, so a window is never claimed without it.
    /// </summary>
    public static async Task<bool> TryClaimWindowAsync(InboxDb db, Candidate pair, Instant now, Instant windowOpenAfter, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO webhook_windows AS w (endpoint_id, ticket_id, window_start)
            SELECT @endpoint, @ticket, @now
            WHERE EXISTS (SELECT 1 FROM tickets t
                          WHERE t.id = @ticket AND t.status IN ('received', 'diagnostic')
                            AND t.scheduled_at < @now AND t.assignee_id IS NOT NULL)
              AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = @endpoint AND e.enabled AND e.deleted_at IS NULL)
            ON CONFLICT (endpoint_id, ticket_id) DO UPDATE SET window_start = EXCLUDED.window_start
                WHERE w.window_start <= @windowOpenAfter
            """, ct,
            new DataParameter("endpoint", pair.EndpointId), new DataParameter("ticket", pair.Id),
            new DataParameter("now", now), new DataParameter("windowOpenAfter", windowOpenAfter)) == 1;

    /// <summary>Retention of the windows: long closed ones (the delivery log's own retention is the engine's).</summary>
    public static async Task DeleteClosedWindowsAsync(InboxDb db, Instant cutoff, CancellationToken ct) =>
        await db.WebhookWindows.Where(w => w.WindowStart < cutoff).DeleteAsync(ct);
}
