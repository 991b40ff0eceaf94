using System.Text;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.Conversations.List;

sealed class PageKey
{
    [Column("last_activity_at")] public Instant LastActivityAt { get; set; }
    [Column("id")] public Guid Id { get; set; }
}

static class Data
{
    /// <summary>
    /// The ids of one page, most recent activity first. The keyset is the row value (last_activity_at, id), which
    /// PostgreSQL compares against the cursor inside the index: see docs/conversations.md for the plans. Each
    /// filter adds a fixed fragment, so there are four texts in all and each is planned with its own index; plain
    /// SQL because building it through LINQ cost more CPU per page than running it (bench/README.md).
    /// </summary>
    public static Task<List<PageKey>> PageAsync(InboxDb db, Guid accountId, string? status, Guid? assigneeId, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var sql = new StringBuilder("SELECT last_activity_at, id FROM conversations WHERE account_id = @account");
        var parameters = new List<DataParameter> { new("account", accountId, DataType.Guid), new("take", take) };
        if (status is not null)
        {
            sql.Append(" AND status = @status");
            parameters.Add(new DataParameter("status", status, DataType.Text));
        }
        if (assigneeId is not null)
        {
            sql.Append(" AND assignee_id = @assignee");
            parameters.Add(new DataParameter("assignee", assigneeId, DataType.Guid));
        }
        if (after is var (at, id))
        {
            sql.Append(" AND (last_activity_at, id) < (@at, @id)");
            parameters.Add(new DataParameter("at", at));
            parameters.Add(new DataParameter("id", id, DataType.Guid));
        }
        sql.Append(" ORDER BY last_activity_at DESC, id DESC LIMIT @take");
        return db.QueryToListAsync<PageKey>(sql.ToString(), ct, [.. parameters]);
    }
}
