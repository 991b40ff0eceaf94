using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Inbox.Features.ReadReceipts;

/// <summary>
/// The repair of the stored unread counts (<c>./run.sh recount-unread</c>): recomputes every participant's count,
/// every conversation's roster and every user's totals from the messages and receipts, writes back those that were
/// wrong, and says how many there were. On a healthy database it always reports 0 fixed.
/// </summary>
public static class UnreadRecount
{
    public sealed record Result(long Participants, long Users, long FixedCounts, long FixedUsers, long FixedRosters)
    {
        public long Fixed => FixedCounts + FixedUsers + FixedRosters;

        public override string ToString() =>
            $"recount-unread: checked {Participants} participants, {Users} users, fixed {Fixed} " +
            $"({FixedCounts} participant counts, {FixedUsers} user totals, {FixedRosters} conversation rosters)";
    }

    /// <summary>
    /// Writers wait while this runs (SHARE locks the three tables the counts live in; reads go on), so the counts
    /// it computes and the ones it compares with belong to the same moment: one consistent pass, nothing a post or a
    /// mark-read could change between the count and the fix.
    /// </summary>
    const string LockSql = "LOCK TABLE conversations, conversation_participants, unread_totals IN SHARE MODE";

    /// <summary>
    /// One statement: the truth from the messages (the definition of unread: after the receipt, not sent by the
    /// participant), compared with what is stored, the differences written back. A user's totals are checked slot by
    /// slot; a stored slot with no unread conversation behind it must be 0.
    /// </summary>
    public const string RecountSql =
        """
        WITH truth AS (
            SELECT p.conversation_id, p.user_id, p.muted, p.unread_count AS stored,
                   (SELECT count(*) FROM messages m
                     WHERE m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq
                       AND m.sender_user_id IS DISTINCT FROM p.user_id) AS counted
              FROM conversation_participants p
        ), fixed_counts AS (
            UPDATE conversation_participants p SET unread_count = t.counted
              FROM truth t
             WHERE p.conversation_id = t.conversation_id AND p.user_id = t.user_id AND t.stored <> t.counted
            RETURNING 1
        ), rosters AS (
            SELECT c.id,
                   ARRAY(SELECT u FROM unnest(c.participant_ids) AS u ORDER BY u) AS stored,
                   ARRAY(SELECT p.user_id FROM conversation_participants p WHERE p.conversation_id = c.id ORDER BY p.user_id) AS counted,
                   ARRAY(SELECT p.user_id FROM conversation_participants p WHERE p.conversation_id = c.id ORDER BY p.joined_at, p.user_id) AS joined
              FROM conversations c
        ), fixed_rosters AS (
            UPDATE conversations c SET participant_ids = r.joined
              FROM rosters r
             WHERE c.id = r.id AND r.stored <> r.counted
            RETURNING 1
        ), slots AS (
            SELECT coalesce(t.user_id, s.user_id) AS user_id, coalesce(t.slot, s.slot) AS slot,
                   coalesce(s.total, 0) AS stored, coalesce(t.counted, 0) AS counted
              FROM (SELECT user_id, unread_slot(conversation_id) AS slot, sum(counted)::bigint AS counted
                      FROM truth WHERE NOT muted GROUP BY 1, 2) t
              FULL JOIN unread_totals s ON s.user_id = t.user_id AND s.slot = t.slot
        ), fixed_slots AS (
            INSERT INTO unread_totals AS u (user_id, slot, total)
            SELECT user_id, slot, counted FROM slots WHERE stored <> counted
            ON CONFLICT (user_id, slot) DO UPDATE SET total = EXCLUDED.total
            RETURNING user_id
        )
        SELECT (SELECT count(*) FROM truth) AS participants,
               (SELECT count(*) FROM (SELECT user_id FROM truth UNION SELECT user_id FROM unread_totals) u) AS users,
               (SELECT count(*) FROM fixed_counts) AS fixed_counts,
               (SELECT count(DISTINCT user_id) FROM fixed_slots) AS fixed_users,
               (SELECT count(*) FROM fixed_rosters) AS fixed_rosters
        """;

    /// <summary>Runs the repair in a transaction of its own, or in the caller's (the seeder's).</summary>
    public static async Task<Result> RunAsync(InboxDb db, CancellationToken ct)
    {
        await using var work = await db.BeginOrJoinTransactionAsync(ct);
        await db.ExecuteAsync(LockSql, ct);
        var row = (await db.QueryToListAsync<Row>(RecountSql, ct)).Single();
        await work.CommitAsync(ct);
        return new Result(row.Participants, row.Users, row.FixedCounts, row.FixedUsers, row.FixedRosters);
    }

    /// <summary>The <c>recount-unread</c> command: migrate, repair, print the result. 0 on success, 1 when the database cannot be reached or migrated.</summary>
    public static async Task<int> RunCommandAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        if (DatabaseMigrator.MigratedForCommand(services, logger, "recount unread counts") is not { } database) return 1;

        await using var db = database.Open();
        // A whole database's recount may take longer than a request's statement may (InboxDatabase).
        db.CommandTimeout = 0;
        var result = await RunAsync(db, ct);
        // The one line the command is for, on stdout whatever the log settings.
        Console.WriteLine(result.ToString());
        if (result.Fixed > 0)
            logger.LogWarning("{Result}", result.ToString());
        return 0;
    }

    sealed class Row
    {
        [Column("participants")] public long Participants { get; set; }
        [Column("users")] public long Users { get; set; }
        [Column("fixed_counts")] public long FixedCounts { get; set; }
        [Column("fixed_users")] public long FixedUsers { get; set; }
        [Column("fixed_rosters")] public long FixedRosters { get; set; }
    }
}
