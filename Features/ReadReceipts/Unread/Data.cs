using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.ReadReceipts.Unread;

sealed class Counts
{
    [Column("total")] public long Total { get; set; }
    [Column("conversation_id")] public Guid? ConversationId { get; set; }
    [Column("unread_count")] public long UnreadCount { get; set; }
    [Column("muted")] public bool Muted { get; set; }
}

static class Data
{
    /// <summary>
    /// The stored total (the user's <= 16 unread_totals rows), and the user's participations with something unread
    /// or muted, most recent activity first: the partial index conversation_participants_unread holds exactly those
    /// rows, so the cost follows what is unread, not how many conversations the user is in. The total comes back on
    /// every row, and on a row of its own (no conversation) when there is none.
    /// </summary>
    const string CountsSql =
        """
        WITH total AS (
            SELECT coalesce(sum(t.total), 0)::bigint AS total FROM unread_totals t WHERE t.user_id = @user
        ), listed AS (
            SELECT p.conversation_id, p.unread_count, p.muted, c.last_activity_at
              FROM conversation_participants p
              JOIN conversations c ON c.id = p.conversation_id
             WHERE p.user_id = @user AND p.account_id = @account AND (p.unread_count > 0 OR p.muted)
        )
        SELECT total.total, listed.conversation_id, coalesce(listed.unread_count, 0) AS unread_count,
               coalesce(listed.muted, false) AS muted
          FROM total LEFT JOIN listed ON true
         ORDER BY listed.last_activity_at DESC, listed.conversation_id DESC
        """;

    public static async Task<Response> CountsAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct)
    {
        var rows = await db.QueryToListAsync<Counts>(CountsSql, ct,
            new DataParameter("user", userId, DataType.Guid), new DataParameter("account", accountId, DataType.Guid));
        var items = rows.Where(r => r.ConversationId is not null).Select(r => new Item(r.ConversationId!.Value, r.UnreadCount, r.Muted)).ToList();
        return new Response(rows.Count > 0 ? rows[0].Total : 0, items);
    }
}
