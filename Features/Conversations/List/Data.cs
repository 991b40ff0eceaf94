namespace Inbox.Features.Conversations.List;

sealed record PageKey(Instant LastActivityAt, Guid Id);

static class Data
{
    /// <summary>
    /// The ids of one page, most recent activity first. The keyset is the row value (last_activity_at, id), which
    /// PostgreSQL compares against the cursor inside the index: see docs/conversations.md for the plans.
    /// </summary>
    public static Task<List<PageKey>> PageAsync(InboxDb db, Guid accountId, string? status, Guid? assigneeId, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var query = db.Conversations.Where(c => c.AccountId == accountId);
        if (status is not null) query = query.Where(c => c.Status == status);
        if (assigneeId is not null) query = query.Where(c => c.AssigneeId == assigneeId);
        if (after is var (at, id)) query = query.Where(c => Sql.Row(c.LastActivityAt, c.Id) < Sql.Row(at, id));
        return query.OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id).Take(take)
            .Select(c => new PageKey(c.LastActivityAt, c.Id)).ToListAsync(ct);
    }
}
