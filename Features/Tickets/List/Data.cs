namespace Inbox.Features.Tickets.List;

public sealed record Filters(string? Status, Guid? AssigneeId, Guid? MachineId, bool? Overdue);

static class Data
{
    /// <summary>
    /// A page of the account's tickets, newest first (created_at DESC, id DESC), after the cursor's row.
    /// Every filter has an index in that order (migration 0003). <c>overdue=true</c> repeats the predicate of the
    /// partial index <c>tickets_overdue</c> with literal statuses, which is what lets the planner use it.
    /// </summary>
    public static IQueryable<TicketRow> Query(InboxDb db, Guid accountId, Filters filters, Instant now, (Instant At, Guid Id)? after)
    {
        var query = db.Tickets.Where(t => t.AccountId == accountId);
        if (filters.Status is { } status) query = query.Where(t => t.Status == status);
        if (filters.AssigneeId is { } assigneeId) query = query.Where(t => t.AssigneeId == assigneeId);
        if (filters.MachineId is { } machineId) query = query.Where(t => t.MachineId == machineId);
        if (filters.Overdue == true)
            query = query.Where(t => (t.Status == TicketStatus.Received || t.Status == TicketStatus.Diagnostic) &&
                                     t.ScheduledAt != null && t.ScheduledAt < now);
        else if (filters.Overdue == false)
            query = query.Where(t => !((t.Status == TicketStatus.Received || t.Status == TicketStatus.Diagnostic) &&
                                       t.ScheduledAt != null && t.ScheduledAt < now));
        if (after is var (at, id))
            query = query.Where(t => t.CreatedAt < at || (t.CreatedAt == at && t.Id < id));
        return query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id);
    }

    public static Task<List<TicketRow>> ListAsync(InboxDb db, Guid accountId, Filters filters, Instant now, (Instant At, Guid Id)? after, int take, CancellationToken ct) =>
        Query(db, accountId, filters, now, after).Take(take).ToListAsync(ct);
}
