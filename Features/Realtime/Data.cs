using LinqToDB.Data;

namespace Inbox.Features.Realtime;

public sealed record PresenceRow(Guid UserId, string Name, string Status, Instant? LastSeenAt, Guid? ViewingConversationId);

static class Data
{
    /// <summary>Whether the conversation exists in the account: the only check a subscription needs.</summary>
    public static async Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        (await db.QueryToListAsync<int>(
            "SELECT 1 FROM conversations WHERE id = @id AND account_id = @account", ct,
            new DataParameter("id", conversationId), new DataParameter("account", accountId))).Count > 0;

    /// <summary>This instance's count of a user's sockets (0 deletes the row), and the user's last-seen time.</summary>
    public static Task SetConnectionsAsync(InboxDb db, Guid instanceId, Guid accountId, Guid userId, int connections, Guid? viewing, Instant now, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            WITH seen AS (
                INSERT INTO user_presence (user_id, account_id, status, last_seen_at) VALUES (@user, @account, 'online', @now)
                ON CONFLICT (user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
                RETURNING user_id
            ), removed AS (
                DELETE FROM presence_connections WHERE instance_id = @instance AND user_id = @user AND @connections = 0
            )
            INSERT INTO presence_connections (instance_id, user_id, account_id, connections, viewing, refreshed_at)
            SELECT @instance, @user, @account, @connections, @viewing, @now WHERE @connections > 0
            ON CONFLICT (instance_id, user_id) DO UPDATE
                SET connections = excluded.connections, viewing = excluded.viewing, refreshed_at = excluded.refreshed_at
            """, ct,
            new DataParameter("instance", instanceId), new DataParameter("account", accountId), new DataParameter("user", userId),
            new DataParameter("connections", connections), new DataParameter("viewing", viewing, LinqToDB.DataType.Guid), new DataParameter("now", now));

    /// <summary>
    /// <see cref="SetConnectionsAsync"/> for a run of joins, in one statement. A join leaves the user's viewing as it
    /// was: opening another tab does not change what they show.
    /// </summary>
    public static Task SetJoinedConnectionsAsync(InboxDb db, Guid instanceId, IEnumerable<UserJoined> joins, Instant now, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            WITH joined AS (
                SELECT * FROM unnest(@users::uuid[], @accounts::uuid[], @connections::int[]) AS x(user_id, account_id, connections)
            ), seen AS (
                INSERT INTO user_presence (user_id, account_id, status, last_seen_at)
                SELECT user_id, account_id, 'online', @now FROM joined
                ON CONFLICT (user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
            )
            INSERT INTO presence_connections (instance_id, user_id, account_id, connections, viewing, refreshed_at)
            SELECT @instance, user_id, account_id, connections, NULL, @now FROM joined
            ON CONFLICT (instance_id, user_id) DO UPDATE SET connections = excluded.connections, refreshed_at = excluded.refreshed_at
            """, ct,
            new DataParameter("users", joins.Select(j => j.UserId).ToArray()),
            new DataParameter("accounts", joins.Select(j => j.AccountId).ToArray()),
            new DataParameter("connections", joins.Select(j => j.LocalConnections).ToArray()),
            new DataParameter("instance", instanceId), new DataParameter("now", now));

    /// <summary>
    /// Users whose first socket on this instance just opened start as "online" again, not as the away they left
    /// with, unless some instance still holds a live socket of theirs (then they never went offline and keep their
    /// status).
    /// </summary>
    public static Task ResetStatusUnlessLiveAsync(InboxDb db, Guid[] userIds, Instant liveSince, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            UPDATE user_presence p SET status = 'online'
            WHERE p.user_id = ANY(@users)
              AND NOT EXISTS (SELECT 1 FROM presence_connections c WHERE c.user_id = p.user_id AND c.refreshed_at >= @since)
            """, ct, new DataParameter("users", userIds), new DataParameter("since", liveSince));

    /// <summary>
    /// The presence of each of <paramref name="userIds"/> with their account, for the frames: offline unless some
    /// instance holds a live socket of theirs, as <see cref="PresenceOfAsync"/> computes it for a listing.
    /// </summary>
    public static Task<List<AccountPresenceRow>> PresenceOfUsersAsync(InboxDb db, Guid[] userIds, Instant liveSince, CancellationToken ct) =>
        db.QueryToListAsync<AccountPresenceRow>(
            """
            SELECT u.account_id AS "AccountId", u.id AS "UserId",
                   CASE WHEN EXISTS (SELECT 1 FROM presence_connections c WHERE c.user_id = u.id AND c.refreshed_at >= @since)
                        THEN coalesce(p.status, 'online') ELSE 'offline' END AS "Status",
                   p.last_seen_at AS "LastSeenAt"
            FROM users u
            LEFT JOIN user_presence p ON p.user_id = u.id
            WHERE u.id = ANY(@users)
            """, ct, new DataParameter("users", userIds), new DataParameter("since", liveSince));

    public static Task SetStatusAsync(InboxDb db, Guid accountId, Guid userId, string status, Instant now, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            INSERT INTO user_presence (user_id, account_id, status, last_seen_at) VALUES (@user, @account, @status, @now)
            ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, last_seen_at = excluded.last_seen_at
            """, ct,
            new DataParameter("user", userId), new DataParameter("account", accountId), new DataParameter("status", status), new DataParameter("now", now));

    /// <summary>Every user of the account with their presence and what they view, for <c>GET /api/presence</c>.</summary>
    public static Task<List<PresenceRow>> PresenceOfAsync(InboxDb db, Guid accountId, Instant liveSince, CancellationToken ct) =>
        db.QueryToListAsync<PresenceRow>(
            """
            SELECT u.id AS "UserId", u.name AS "Name",
                   CASE WHEN live.user_id IS NULL THEN 'offline' ELSE coalesce(p.status, 'online') END AS "Status",
                   p.last_seen_at AS "LastSeenAt",
                   live.viewing AS "ViewingConversationId"
            FROM users u
            LEFT JOIN user_presence p ON p.user_id = u.id
            LEFT JOIN LATERAL (
                SELECT c.user_id, (array_agg(c.viewing ORDER BY c.refreshed_at DESC) FILTER (WHERE c.viewing IS NOT NULL))[1] AS viewing
                FROM presence_connections c
                WHERE c.user_id = u.id AND c.refreshed_at >= @since
                GROUP BY c.user_id
            ) live ON true
            WHERE u.account_id = @account
            ORDER BY u.name, u.id
            """, ct,
            new DataParameter("account", accountId), new DataParameter("since", liveSince));

    /// <summary>Who, on any instance, shows a conversation.</summary>
    public static Task<List<Guid>> ViewersAsync(InboxDb db, Guid accountId, Guid conversationId, Instant liveSince, CancellationToken ct) =>
        db.QueryToListAsync<Guid>(
            "SELECT DISTINCT user_id FROM presence_connections WHERE account_id = @account AND viewing = @conversation AND refreshed_at >= @since ORDER BY user_id", ct,
            new DataParameter("account", accountId), new DataParameter("conversation", conversationId), new DataParameter("since", liveSince));

    /// <summary>Keeps this instance's rows (and the last-seen time of their users) fresh, and the instance itself listed.</summary>
    public static Task RefreshInstanceAsync(InboxDb db, Guid instanceId, Instant now, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            WITH refreshed AS (
                UPDATE presence_connections SET refreshed_at = @now WHERE instance_id = @instance RETURNING user_id
            ), seen AS (
                UPDATE user_presence SET last_seen_at = @now WHERE user_id IN (SELECT user_id FROM refreshed)
            )
            INSERT INTO realtime_instances (id, seen_at) VALUES (@instance, @now)
            ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at
            """, ct, new DataParameter("instance", instanceId), new DataParameter("now", now));

    /// <summary>Deletes rows of instances that stopped refreshing (crashed); answers the users that left with them.</summary>
    public static Task<List<Guid>> ExpireStaleAsync(InboxDb db, Instant liveSince, CancellationToken ct) =>
        db.QueryToListAsync<Guid>(
            """
            WITH gone AS (
                DELETE FROM presence_connections WHERE refreshed_at < @since RETURNING user_id
            ), instances AS (
                DELETE FROM realtime_instances WHERE seen_at < @since
            ), payloads AS (
                DELETE FROM realtime_payloads WHERE created_at < @since
            )
            SELECT DISTINCT user_id FROM gone
            """, ct, new DataParameter("since", liveSince));

    public static async Task<int> OtherLiveInstancesAsync(InboxDb db, Guid instanceId, Instant liveSince, CancellationToken ct) =>
        (await db.QueryToListAsync<int>(
            "SELECT count(*)::int FROM realtime_instances WHERE id <> @instance AND seen_at >= @since", ct,
            new DataParameter("instance", instanceId), new DataParameter("since", liveSince)))[0];

    public static Task LeaveInstancesAsync(InboxDb db, Guid instanceId, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM realtime_instances WHERE id = @instance", ct, new DataParameter("instance", instanceId));

    public static Task StorePayloadAsync(InboxDb db, Guid id, byte[] frame, Instant now, CancellationToken ct) =>
        db.ExecuteAsync("INSERT INTO realtime_payloads (id, frame, created_at) VALUES (@id, @frame, @now)", ct,
            new DataParameter("id", id), new DataParameter("frame", frame), new DataParameter("now", now));

    public static async Task<byte[]?> LoadPayloadAsync(InboxDb db, Guid id, CancellationToken ct) =>
        (await db.QueryToListAsync<byte[]>("SELECT frame FROM realtime_payloads WHERE id = @id", ct, new DataParameter("id", id))).FirstOrDefault();
}

sealed record AccountPresenceRow(Guid AccountId, Guid UserId, string Status, Instant? LastSeenAt);
