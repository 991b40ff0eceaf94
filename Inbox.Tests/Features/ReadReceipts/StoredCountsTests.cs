using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Inbox.Features.ReadReceipts;
using Inbox.Infrastructure.Database;
using Inbox.Tests.Features.Conversations;
using Xunit.Abstractions;

namespace Inbox.Tests.Features.ReadReceipts;

/// <summary>
/// The stored unread counts (docs/conversations.md): a random concurrent workload through the real routes ends with
/// every stored count, total and roster equal to what the messages say, and the repair finds and fixes damage.
/// </summary>
public sealed class StoredCountsTests(InboxApp app, ITestOutputHelper output) : IClassFixture<InboxApp>
{
    /// <summary>
    /// What the messages say, for every participant of the account, next to what is stored: the participant's
    /// count, and the sum of the user's total rows against the sum of their unmuted true counts.
    /// </summary>
    const string DriftSql =
        """
        WITH truth AS (
            SELECT p.conversation_id, p.user_id, p.muted, p.unread_count AS stored,
                   (SELECT count(*) FROM messages m
                     WHERE m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq
                       AND m.sender_user_id IS DISTINCT FROM p.user_id) AS counted
              FROM conversation_participants p
             WHERE p.account_id = @account
        ), users AS (
            SELECT u.id AS user_id,
                   coalesce((SELECT sum(t.total) FROM unread_totals t WHERE t.user_id = u.id), 0) AS stored,
                   coalesce((SELECT sum(x.counted) FROM truth x WHERE x.user_id = u.id AND NOT x.muted), 0) AS counted
              FROM users u
             WHERE u.account_id = @account
        ), rosters AS (
            SELECT c.id,
                   ARRAY(SELECT u FROM unnest(c.participant_ids) u ORDER BY u) AS stored,
                   ARRAY(SELECT p.user_id FROM conversation_participants p WHERE p.conversation_id = c.id ORDER BY p.user_id) AS counted
              FROM conversations c
             WHERE c.account_id = @account
        )
        SELECT (SELECT count(*) FROM truth WHERE stored <> counted)
             + (SELECT count(*) FROM users WHERE stored <> counted)
             + (SELECT count(*) FROM rosters WHERE stored <> counted)
        """;

    [Fact]
    public async Task Random_concurrent_posts_reads_mutes_and_joins_leave_every_stored_count_equal_to_a_recount()
    {
        var seed = Environment.GetEnvironmentVariable("UNREAD_TEST_SEED") is { Length: > 0 } given ? int.Parse(given) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (UNREAD_TEST_SEED={seed} replays the same choices)");

        var admin = await app.SignUpAsync();
        var users = new List<TestUser> { admin };
        for (var i = 0; i < 3; i++) users.Add(await app.AddUserAsync(admin));
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var clients = users.ToDictionary(u => u.Id, u => app.ClientFor(u));
        // A few conversations, each starting with only some of the users: the others join by posting, reading,
        // muting or being assigned while the rest goes on.
        var conversations = new List<Guid>();
        for (var i = 0; i < 3; i++)
            conversations.Add(await clients[admin.Id].StartConversationIdAsync(new { contact = new { name = $"Contact {i}" }, participantIds = new[] { users[1 + i].Id } }));
        var posted = conversations.ToDictionary(c => c, _ => new ConcurrentQueue<Guid>());
        foreach (var c in conversations) posted[c].Enqueue(await key.PostMessageIdAsync(c, "Bonjour"));

        var failures = new ConcurrentQueue<string>();
        var counts = new ConcurrentDictionary<string, int>();
        const int Workers = 8, OperationsEach = 40;

        async Task WorkAsync(int worker)
        {
            var random = new Random(seed + worker);
            for (var op = 0; op < OperationsEach; op++)
            {
                var user = users[random.Next(users.Count)];
                var client = clients[user.Id];
                var conversation = conversations[random.Next(conversations.Count)];
                var roll = random.Next(100);
                var (name, request) = roll switch
                {
                    < 30 => ("post", random.Next(4) == 0
                        ? key.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { body = $"Client {worker}.{op}" })
                        : client.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { body = $"Agent {worker}.{op}" })),
                    < 45 => ("read latest", client.PostAsJsonAsync($"/api/conversations/{conversation}/read", new { })),
                    // Any earlier message: often behind the receipt (a stale mark that must change nothing).
                    < 60 => ("read earlier", client.PostAsJsonAsync($"/api/conversations/{conversation}/read",
                        new { messageId = posted[conversation].ElementAt(random.Next(posted[conversation].Count)) })),
                    < 72 => ("mute", client.PutAsJsonAsync($"/api/conversations/{conversation}/mute", new { muted = true })),
                    < 84 => ("unmute", client.PutAsJsonAsync($"/api/conversations/{conversation}/mute", new { muted = false })),
                    _ => ("assign", client.PatchAsJsonAsync($"/api/conversations/{conversation}", new { assigneeId = users[random.Next(users.Count)].Id })),
                };
                using var response = await request;
                counts.AddOrUpdate(name, 1, (_, n) => n + 1);
                if (!response.IsSuccessStatusCode)
                    failures.Enqueue($"{name} by {user.Id} in {conversation}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                else if (name == "post")
                    posted[conversation].Enqueue((await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<Guid>());
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(w))));
        output.WriteLine(string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}")));

        await using (var sql = await app.OpenSqlAsync())
        {
            // What is stored next to the recount, for the log of a failure.
            await using var command = new Npgsql.NpgsqlCommand(
                """
                SELECT p.conversation_id, p.user_id, p.muted, p.last_read_seq, p.unread_count,
                       (SELECT count(*) FROM messages m WHERE m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq
                           AND m.sender_user_id IS DISTINCT FROM p.user_id) AS counted,
                       unread_slot(p.conversation_id) AS slot,
                       (SELECT t.total FROM unread_totals t WHERE t.user_id = p.user_id AND t.slot = unread_slot(p.conversation_id)) AS slot_total
                  FROM conversation_participants p WHERE p.account_id = @account ORDER BY p.user_id, p.conversation_id
                """, sql);
            command.Parameters.AddWithValue("account", admin.AccountId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                output.WriteLine($"conversation {reader.GetGuid(0)} user {reader.GetGuid(1)} muted {reader.GetBoolean(2)} read {reader.GetInt64(3)} " +
                                 $"stored {reader.GetInt64(4)} counted {reader.GetInt64(5)} slot {reader.GetInt16(6)} slot total {(reader.IsDBNull(7) ? "-" : reader.GetInt64(7))}");
        }

        // No request failed: no deadlock, no 500, and no CHECK (count >= 0, total >= 0) ever refused a write, so no
        // stored value was ever negative.
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Equal(0, await app.ScalarSqlAsync<long>(DriftSql, ("account", admin.AccountId)));
        foreach (var user in users)
        {
            var unread = await clients[user.Id].GetJsonAsync("/api/unread");
            var expected = await app.ScalarSqlAsync<long>(
                """
                SELECT coalesce(sum((SELECT count(*) FROM messages m WHERE m.conversation_id = p.conversation_id
                                        AND m.seq > p.last_read_seq AND m.sender_user_id IS DISTINCT FROM p.user_id)), 0)::bigint
                  FROM conversation_participants p WHERE p.user_id = @user AND NOT p.muted
                """, ("user", user.Id));
            Assert.Equal(expected, unread["total"]!.GetValue<long>());
        }
        await using var db = app.Service<InboxDatabase>().Open();
        db.CommandTimeout = 0; // a whole database's recount, like the command's
        Assert.Equal(0, (await UnreadRecount.RunAsync(db, CancellationToken.None)).Fixed);
    }

    [Fact]
    public async Task The_schema_refuses_a_negative_count_or_total()
    {
        var admin = await app.SignUpAsync();
        var id = await app.ClientFor(admin).StartConversationIdAsync();

        var count = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.ExecuteSqlAsync(
            "UPDATE conversation_participants SET unread_count = -1 WHERE conversation_id = @id", ("id", id)));
        var total = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.ExecuteSqlAsync(
            "INSERT INTO unread_totals (user_id, slot, total) VALUES (@user, 0, -1)", ("user", admin.Id)));

        Assert.Equal(("23514", "conversation_participants_unread_count_not_negative"), (count.SqlState, count.ConstraintName));
        Assert.Equal(("23514", "unread_totals_total_not_negative"), (total.SqlState, total.ConstraintName));
    }

    [Fact]
    public async Task The_repair_fixes_damaged_counts_totals_and_rosters_and_says_how_many()
    {
        var (admin, agent, id) = await ConversationWithUnreadAsync();
        var before = await app.ClientFor(agent).GetJsonAsync("/api/unread");
        await using var db = app.Service<InboxDatabase>().Open();
        db.CommandTimeout = 0; // a whole database's recount, like the command's
        Assert.Equal(0, (await UnreadRecount.RunAsync(db, CancellationToken.None)).Fixed);

        // Damage of every kind the statements could leave if they were wrong.
        await app.ExecuteSqlAsync("UPDATE conversation_participants SET unread_count = unread_count + 5 WHERE conversation_id = @id AND user_id = @user",
            ("id", id), ("user", agent.Id));
        await app.ExecuteSqlAsync("UPDATE conversation_participants SET unread_count = 9 WHERE conversation_id = @id AND user_id = @user",
            ("id", id), ("user", admin.Id));
        await app.ExecuteSqlAsync("DELETE FROM unread_totals WHERE user_id = @user", ("user", agent.Id));
        await app.ExecuteSqlAsync("INSERT INTO unread_totals (user_id, slot, total) VALUES (@user, unread_slot(@id) # 1, 7)", ("user", admin.Id), ("id", id));
        await app.ExecuteSqlAsync("UPDATE conversations SET participant_ids = '{}' WHERE id = @id", ("id", id));
        Assert.NotEqual(before["total"]!.GetValue<long>(), (await app.ClientFor(agent).GetJsonAsync("/api/unread"))["total"]!.GetValue<long>());

        var repaired = await UnreadRecount.RunAsync(db, CancellationToken.None);
        var again = await UnreadRecount.RunAsync(db, CancellationToken.None);

        output.WriteLine(repaired.ToString());
        Assert.Equal((2L, 2L, 1L), (repaired.FixedCounts, repaired.FixedUsers, repaired.FixedRosters));
        Assert.Equal(5, repaired.Fixed);
        Assert.Matches(@"^recount-unread: checked \d+ participants, \d+ users, fixed 5 \(2 participant counts, 2 user totals, 1 conversation rosters\)$", repaired.ToString());
        Assert.Equal(0, again.Fixed);
        Assert.Equal(0, await app.ScalarSqlAsync<long>(DriftSql, ("account", admin.AccountId)));
        Assert.Equal(before.ToJsonString(), (await app.ClientFor(agent).GetJsonAsync("/api/unread")).ToJsonString());
        // The repaired roster is used: the next post reaches both participants.
        await app.ClientFor(admin).PostMessageIdAsync(id, "Encore une question");
        Assert.Equal(0, await app.ScalarSqlAsync<long>(DriftSql, ("account", admin.AccountId)));
    }

    [Fact]
    public async Task The_recount_unread_command_runs_as_its_own_process_and_reports()
    {
        var (admin, agent, id) = await ConversationWithUnreadAsync();
        await app.ExecuteSqlAsync("UPDATE conversation_participants SET unread_count = 0 WHERE conversation_id = @id AND user_id = @user",
            ("id", id), ("user", agent.Id));

        var (code, stdout) = await RunCommandAsync("recount-unread");

        Assert.Equal(0, code);
        Assert.Matches(@"(?m)^recount-unread: checked \d+ participants, \d+ users, fixed [1-9]\d* \(1 participant counts, \d+ user totals, 0 conversation rosters\)$", stdout);
        Assert.Equal(0, await app.ScalarSqlAsync<long>(DriftSql, ("account", admin.AccountId)));
        Assert.Matches(@"(?m)^recount-unread: checked \d+ participants, \d+ users, fixed 0 ", (await RunCommandAsync("recount-unread")).Stdout);
    }

    [Fact]
    public async Task Unread_for_a_user_in_3000_conversations_is_one_statement_that_reads_only_the_unread_ones()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        // 3,000 conversations the agent takes part in, read to the end (count 0), written behind the service's back.
        await app.ExecuteSqlAsync(
            """
            WITH c AS (
                INSERT INTO conversations (id, account_id, channel, status, contact_name, last_activity_at, created_at, participant_ids)
                SELECT gen_random_uuid(), @account, 'api', 'open', 'Contact ' || g, now() - g * interval '1 minute', now() - interval '30 days', ARRAY[@agent]::uuid[]
                  FROM generate_series(1, 3000) g
                RETURNING id, account_id, created_at)
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
            SELECT c.id, @agent, c.account_id, c.created_at FROM c
            """, ("account", admin.AccountId), ("agent", agent.Id));
        var busy = await app.ScalarSqlAsync<Guid[]>(
            "SELECT array_agg(id) FROM (SELECT id FROM conversations WHERE account_id = @account ORDER BY id LIMIT 5) x", ("account", admin.AccountId));
        foreach (var id in busy) await key.PostMessageIdAsync(id, "Une question");
        foreach (var table in new[] { "conversations", "conversation_participants", "unread_totals" })
            await app.ExecuteSqlAsync($"VACUUM ANALYZE {table}");

        using var counter = new SqlStatementCounter(app.ConnectionString);
        var unread = await app.ClientFor(agent).GetJsonAsync("/api/unread");

        Assert.Equal(5, unread["total"]!.GetValue<long>());
        Assert.Equal(busy.Order(), unread["conversations"]!.AsArray().Select(i => i!["conversationId"]!.GetValue<Guid>()).Order());
        var statement = Assert.Single(counter.Statements);
        var plan = await ExplainAsync(statement, new Dictionary<string, object> { ["user"] = agent.Id, ["account"] = admin.AccountId });
        output.WriteLine(plan);
        // The partial index holds only the 5 participations with something unread: the 2,995 others are never visited.
        Assert.Contains("conversation_participants_unread", plan);
        Assert.DoesNotContain("Seq Scan on conversation_participants", plan);
        Assert.DoesNotContain("Seq Scan on conversations", plan);
        // (unread_totals holds a handful of rows in this test database, so the planner may read it whole; on a real
        // one its primary key (user_id, slot) gives the user's <= 16 rows.)
    }

    /// <summary>EXPLAIN ANALYZE of a statement as Npgsql ran it, its <c>:name</c> or <c>@name</c> parameters bound by name.</summary>
    async Task<string> ExplainAsync(string statement, IReadOnlyDictionary<string, object> parameters)
    {
        await using var sql = await app.OpenSqlAsync();
        await using var command = new Npgsql.NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement, sql);
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(statement, @"(?<![:\w@])[:@]([A-Za-z_]\w*)").Select(m => m.Groups[1].Value).Distinct())
            command.Parameters.AddWithValue(name, parameters[name]);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    /// <summary>A conversation where the agent and the admin each have two unread messages (one of them the other's reply).</summary>
    async Task<(TestUser Admin, TestUser Agent, Guid Conversation)> ConversationWithUnreadAsync()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var id = await app.ClientFor(admin).StartConversationIdAsync(new { contact = new { name = "Léa" }, participantIds = new[] { agent.Id } });
        await key.PostMessageIdAsync(id, "Bonjour");
        await app.ClientFor(admin).MarkReadAsync(id);
        await key.PostMessageIdAsync(id, "Vous êtes là ?");
        await app.ClientFor(agent).PostMessageIdAsync(id, "Oui");
        return (admin, agent, id);
    }

    /// <summary>Runs the built service (Inbox.dll beside the tests) with <paramref name="command"/> over this test's database.</summary>
    async Task<(int ExitCode, string Stdout)> RunCommandAsync(string command)
    {
        var assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add(command);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DATABASE_URL"] = app.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        return (process.ExitCode, await stdout);
    }
}
