using Inbox.Infrastructure.Events;
using Xunit.Abstractions;
using Inbox.Features.Events;

namespace Inbox.Tests.Features.Conversations;

public sealed class Tests(InboxAppWithEvents app, ITestOutputHelper output) : IClassFixture<InboxAppWithEvents>
{
    [Fact]
    public async Task Starting_a_conversation_answers_it_with_its_participants()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var agent = await app.AddUserAsync(admin, name: "Hugo Bernard");

        var response = await app.ClientFor(admin).PostAsJsonAsync("/api/conversations", new
        {
            subject = "Machine à café en panne",
            channel = "email",
            contact = new { name = "Léa Martin", email = "lea.martin@example.com", phone = "+33 6 12 34 56 78", externalId = "crm-1042" },
            assigneeId = agent.Id,
            participantIds = new[] { agent.Id },
        });

        var body = Snap.Parse(await response.Content.ReadAsStringAsync());
        await Snap.MatchAsync(response);
        var id = body["id"]!.ToObject<Guid>();
        Assert.Equal([admin.Id, agent.Id], body["participantIds"]!.Select(p => p.ToObject<Guid>()).Order());
        Assert.Equal(agent.Id, body["assigneeId"]!.ToObject<Guid>());

        var published = await app.Events.WaitForAsync<ConversationUpdated>(e => e.Conversation.Id == id);
        Assert.Equal(admin.AccountId, published.AccountId);
        Assert.Equal("Machine à café en panne", published.Conversation.Subject);
        Assert.Equal(2, published.Conversation.ParticipantIds.Count);
    }

    [Fact]
    public async Task An_api_key_starts_a_conversation_on_the_api_channel_without_participants()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var key = await app.AddApiKeyAsync(admin, "Formulaire du site");

        var response = await app.ClientFor(key).PostAsJsonAsync("/api/conversations", new { contact = new { email = "client@example.com" } });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Get_answers_the_conversation_with_its_last_message_and_the_callers_unread_count()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var agent = await app.AddUserAsync(admin, name: "Hugo Bernard");
        var key = await app.AddApiKeyAsync(admin);
        var id = await app.ClientFor(admin).StartConversationIdAsync(new
        {
            subject = "Devis entretien",
            contact = new { name = "Léa Martin" },
            participantIds = new[] { agent.Id },
        });
        await app.ClientFor(key).PostMessageAsync(id, "Bonjour, pouvez-vous m'envoyer un devis ?");
        await app.ClientFor(key).PostMessageAsync(id, "Pour 3 machines à café.");
        await app.ClientFor(admin).PostMessageAsync(id, "Bien sûr, je vous l'envoie aujourd'hui.");

        var asAgent = await app.ClientFor(agent).GetAsync($"/api/conversations/{id}");

        await Snap.MatchAsync(asAgent);
        var json = await app.ClientFor(admin).GetJsonAsync($"/api/conversations/{id}");
        Assert.Equal(2, json["unreadCount"]!.GetValue<int>()); // the admin's own reply is not unread for them
    }

    [Fact]
    public async Task The_list_is_most_recent_activity_first_and_pages_with_a_cursor()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var client = app.ClientFor(admin);
        var older = await client.StartConversationIdAsync(new { subject = "Première demande", contact = new { name = "Léa Martin" } });
        var newer = await client.StartConversationIdAsync(new { subject = "Seconde demande", contact = new { name = "Paul Durand" } });
        await client.PostMessageAsync(older, "Une relance sur ma demande.");

        var first = await client.GetAsync("/api/conversations?limit=1");
        await Snap.MatchAsync(first, scrubFields: "nextCursor");

        var page1 = await client.GetJsonAsync("/api/conversations?limit=1");
        var page2 = await client.GetJsonAsync($"/api/conversations?limit=1&cursor={Uri.EscapeDataString(page1["nextCursor"]!.GetValue<string>())}");
        Assert.Equal([older], page1.Ids());
        Assert.Equal([newer], page2.Ids());
        Assert.Null(page2["nextCursor"]);
    }

    [Fact]
    public async Task The_list_filters_by_status_and_by_assignee()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var client = app.ClientFor(admin);
        var assigned = await client.StartConversationIdAsync(new { contact = new { name = "A" }, assigneeId = agent.Id });
        var pending = await client.StartConversationIdAsync(new { contact = new { name = "B" } });
        var open = await client.StartConversationIdAsync(new { contact = new { name = "C" } });
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/api/conversations/{pending}", new { status = "pending" })).StatusCode);

        Assert.Equal([pending], (await client.GetJsonAsync("/api/conversations?status=pending")).Ids());
        Assert.Equal([open, assigned], (await client.GetJsonAsync("/api/conversations?status=open")).Ids());
        Assert.Equal([assigned], (await client.GetJsonAsync($"/api/conversations?assigneeId={agent.Id}")).Ids());
        Assert.Equal([assigned], (await client.GetJsonAsync($"/api/conversations?status=open&assigneeId={agent.Id}")).Ids());
        Assert.Empty((await client.GetJsonAsync($"/api/conversations?status=resolved&assigneeId={agent.Id}")).Ids());
        Assert.Empty((await client.GetJsonAsync($"/api/conversations?assigneeId={Guid.CreateVersion7()}")).Ids());
    }

    [Fact]
    public async Task The_list_pages_across_conversations_with_equal_activity_times_without_skipping_or_repeating()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++) created.Add(await client.StartConversationIdAsync(new { contact = new { name = $"Contact {i}" } }));
        await app.ExecuteSqlAsync("UPDATE conversations SET last_activity_at = '2026-11-24T05:17:50.123456Z' WHERE account_id = @account", ("account", admin.AccountId));

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetJsonAsync("/api/conversations?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.Ids());
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(), seen.Order());
        // Ties on the instant fall back to the id, descending, in PostgreSQL's uuid order.
        await using var sql = await app.OpenSqlAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id FROM conversations WHERE account_id = @account ORDER BY id DESC", sql);
        command.Parameters.AddWithValue("account", admin.AccountId);
        var expected = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) expected.Add(reader.GetGuid(0));
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Patching_changes_subject_status_and_assignee_and_makes_the_assignee_a_participant()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var agent = await app.AddUserAsync(admin, name: "Hugo Bernard");
        var key = await app.AddApiKeyAsync(admin);
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync(new { subject = "Ancien sujet", contact = new { name = "Léa Martin" } });
        await app.ClientFor(key).PostMessageAsync(id, "Bonjour, ma chaudière fuit.");

        var response = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { subject = "Fuite de chaudière", status = "pending", assigneeId = agent.Id });

        await Snap.MatchAsync(response);
        var updated = await app.Events.WaitForAsync<ConversationUpdated>(e => e.Conversation.Id == id && e.Conversation.Status == "pending");
        Assert.Equal(agent.Id, updated.Conversation.AssigneeId);
        // The new assignee joins with the contact's message unread.
        var unread = await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == id && e.UserId == agent.Id);
        Assert.Equal(1, unread.UnreadCount);
        Assert.Equal(1, unread.Total);
    }

    [Fact]
    public async Task Patching_null_clears_the_subject_and_unassigns_while_absent_fields_stay()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync(new { subject = "Sujet", contact = new { name = "Léa Martin" }, assigneeId = agent.Id });

        var statusOnly = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { status = "resolved" });
        var kept = await statusOnly.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("Sujet", kept!["subject"]!.GetValue<string>());
        Assert.Equal(agent.Id, kept["assigneeId"]!.GetValue<Guid>());

        var cleared = await client.PatchAsync($"/api/conversations/{id}", JsonContent.Create(new JsonObject { ["subject"] = null, ["assigneeId"] = null }));
        var json = await cleared.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Null(json!["subject"]);
        Assert.Null(json["assigneeId"]);
        Assert.Equal("resolved", json["status"]!.GetValue<string>());
        Assert.Contains(agent.Id, json["participantIds"]!.AsArray().Select(p => p!.GetValue<Guid>())); // a former assignee stays a participant
    }

    [Fact]
    public async Task Assignee_and_participants_must_be_users_of_the_callers_account()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var stranger = await app.SignUpAsync();
        var client = app.ClientFor(admin);

        var foreignAssignee = await client.PostAsJsonAsync("/api/conversations", new { contact = new { name = "Léa Martin" }, assigneeId = stranger.Id });
        await Snap.MatchAsync(foreignAssignee, "assignee");
        var foreignParticipant = await client.PostAsJsonAsync("/api/conversations", new { contact = new { name = "Léa Martin" }, participantIds = new[] { admin.Id, stranger.Id } });
        await Snap.MatchAsync(foreignParticipant, "participants");

        var id = await client.StartConversationIdAsync();
        var patch = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { assigneeId = stranger.Id });
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Contains("assigneeId", (await patch.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(0, await app.ScalarSqlAsync<long>("SELECT count(*) FROM conversations WHERE account_id = @account AND assignee_id IS NOT NULL", ("account", admin.AccountId)));
    }

    [Fact]
    public async Task Starting_with_an_idempotency_key_twice_creates_one_conversation()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var body = new { subject = "Une seule fois", contact = new { name = "Léa Martin" } };

        HttpRequestMessage Request() => new(HttpMethod.Post, "/api/conversations") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", "start-42" } } };
        var first = await client.SendAsync(Request());
        var again = await client.SendAsync(Request());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.ScalarSqlAsync<long>("SELECT count(*) FROM conversations WHERE account_id = @account", ("account", admin.AccountId)));
    }

    [Fact]
    public async Task A_conversation_of_another_account_is_not_found()
    {
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            return new Probe(HttpMethod.Get, $"/api/conversations/{id}", id);
        });
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            return new Probe(HttpMethod.Patch, $"/api/conversations/{id}", id, new { status = "resolved" });
        });
    }

    [Fact]
    public async Task Conversations_of_another_account_are_not_listed()
    {
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
            ("/api/conversations", await app.ClientFor(owner).StartConversationIdAsync()));
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
        {
            var agent = await app.AddUserAsync(owner);
            var id = await app.ClientFor(owner).StartConversationIdAsync(new { contact = new { name = "X" }, assigneeId = agent.Id });
            return ($"/api/conversations?assigneeId={agent.Id}&status=open", id);
        });
    }

    [Fact]
    public async Task Listing_50_conversations_of_an_account_with_100000_messages_takes_a_fixed_number_of_statements()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        await BulkSeedAsync(admin.AccountId, admin.Id, agent.Id);
        var client = app.ClientFor(admin);
        await client.GetJsonAsync("/api/conversations?limit=1"); // first use: linq2db builds and caches its queries

        var (five, fiveStatements) = await CountStatementsAsync(() => client.GetJsonAsync("/api/conversations?limit=5"));
        var (fifty, fiftyStatements) = await CountStatementsAsync(() => client.GetJsonAsync("/api/conversations?limit=50"));
        var (next, nextStatements) = await CountStatementsAsync(() =>
            client.GetJsonAsync($"/api/conversations?limit=50&status=open&assigneeId={agent.Id}&cursor={Uri.EscapeDataString(fifty["nextCursor"]!.GetValue<string>())}"));
        foreach (var statement in nextStatements.Take(1)) output.WriteLine(statement + "\n");

        Assert.Equal(5, five.Ids().Count);
        Assert.Equal(50, fifty.Ids().Count);
        Assert.Equal(50, next.Ids().Count);
        // The page of ids, then the conversations with their last messages, participants and the caller's counts.
        Assert.Equal(2, fiftyStatements.Count);
        Assert.Equal(fiveStatements.Count, fiftyStatements.Count);
        Assert.Equal(fiftyStatements.Count, nextStatements.Count);
        // The per-caller fields really were filled in from the bulk rows, not defaulted.
        var items = fifty["items"]!.AsArray();
        Assert.All(items, i => Assert.NotNull(i!["lastMessage"]));
        Assert.Contains(items, i => i!["unreadCount"]!.GetValue<int>() > 0);
        Assert.Contains(items, i => i!["muted"]!.GetValue<bool>());

        // Every one of those statements is answered from indexes (docs/conversations.md shows these plans).
        var cursor = KeysetCursorOf(fifty);
        var parameters = new Dictionary<string, object>
        {
            ["accountId"] = admin.AccountId, ["me"] = admin.Id, ["take"] = 51,
            ["status"] = "open", ["assigneeId"] = agent.Id, ["at"] = cursor.At.ToDateTimeOffset(), ["id"] = cursor.Id,
            // The page's ids travel as one array parameter (= ANY), so the statement text is the same for every page.
            ["account"] = admin.AccountId, ["assignee"] = agent.Id, ["ids"] = fifty.Ids().ToArray(),
        };
        foreach (var statement in fiftyStatements.Append(nextStatements[0]))
        {
            var plan = await ExplainAsync(statement, parameters);
            output.WriteLine(plan);
            Assert.DoesNotContain("Seq Scan", plan);
        }
    }

    static (Instant At, Guid Id) KeysetCursorOf(JsonObject page) =>
        Inbox.Infrastructure.Http.KeysetCursor.DecodeInstant(page["nextCursor"]!.GetValue<string>())!.Value;

    /// <summary>EXPLAIN ANALYZE of a statement as Npgsql ran it, its <c>:name</c> (linq2db) or <c>@name</c> (plain SQL) parameters bound by name.</summary>
    async Task<string> ExplainAsync(string statement, IReadOnlyDictionary<string, object> parameters)
    {
        await using var sql = await app.OpenSqlAsync();
        await using var command = new Npgsql.NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement, sql);
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(statement, @"(?<![:\w@])[:@]([A-Za-z_]\w*)").Select(m => m.Groups[1].Value).Distinct())
        {
            Assert.True(parameters.ContainsKey(name), $"no value for {name} in {statement}");
            command.Parameters.AddWithValue(name, parameters[name]);
        }
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    async Task<(JsonObject Result, IReadOnlyList<string> Statements)> CountStatementsAsync(Func<Task<JsonObject>> call)
    {
        using var counter = new SqlStatementCounter(app.ConnectionString);
        var result = await call();
        return (result, counter.Statements);
    }

    /// <summary>
    /// 5,000 conversations with 20 messages each (100,000 messages) in one INSERT … SELECT generate_series, the
    /// caller a participant of each with part of it read and every tenth one muted (by its number, so every page
    /// holds some: a hash of the random id left the first 50 without a muted one about once in 200 runs), next to
    /// another tenant's rows.
    /// </summary>
    async Task BulkSeedAsync(Guid accountId, Guid me, Guid agent)
    {
        await app.ExecuteSqlAsync(
            """
            INSERT INTO conversations (id, account_id, subject, channel, status, contact_name, assignee_id, last_activity_at, last_seq, created_at)
            SELECT gen_random_uuid(), @account, 'Bulk ' || g, 'api', (ARRAY['open', 'pending', 'resolved'])[1 + g % 3], 'Contact ' || g,
                   CASE WHEN g % 2 = 0 THEN @agent END, now() - g * interval '1 minute', 20, now() - interval '30 days'
              FROM generate_series(1, 5000) g
            """, ("account", accountId), ("agent", agent));
        await app.ExecuteSqlAsync(
            """
            INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_user_id, sender_name, created_at)
            SELECT gen_random_uuid(), c.account_id, c.id, s,
                   CASE WHEN s % 2 = 0 THEN 'outgoing' ELSE 'incoming' END, 'Message ' || s || ' of ' || c.subject,
                   CASE WHEN s % 2 = 0 THEN 'user' ELSE 'contact' END, CASE WHEN s % 2 = 0 THEN @agent END,
                   CASE WHEN s % 2 = 0 THEN 'Agent' ELSE c.contact_name END, c.last_activity_at - (20 - s) * interval '1 second'
              FROM conversations c CROSS JOIN generate_series(1, 20) s
             WHERE c.account_id = @account
            """, ("account", accountId), ("agent", agent));
        await app.ExecuteSqlAsync(
            """
            UPDATE conversations c SET last_message_id = m.id
              FROM messages m
             WHERE m.conversation_id = c.id AND m.seq = c.last_seq AND c.account_id = @account
            """, ("account", accountId));
        await app.ExecuteSqlAsync(
            """
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, last_read_seq, muted, joined_at)
            SELECT c.id, u.id, c.account_id, CASE WHEN u.id = @me THEN substring(c.subject FROM 6)::int % 21 ELSE 20 END,
                   u.id = @me AND substring(c.subject FROM 6)::int % 10 = 0, c.created_at
              FROM conversations c CROSS JOIN (VALUES (@me), (@agent)) u (id)
             WHERE c.account_id = @account
            """, ("account", accountId), ("me", me), ("agent", agent));
        // Other tenants share the tables: 5,000 conversations with three participants each in a second account.
        var other = await app.SignUpAsync();
        await app.AddUserAsync(other);
        await app.AddUserAsync(other);
        await app.ExecuteSqlAsync(
            """
            WITH c AS (
                INSERT INTO conversations (id, account_id, channel, status, contact_name, last_activity_at, created_at)
                SELECT gen_random_uuid(), @other, 'api', 'open', 'Contact ' || g, now() - g * interval '1 minute', now() - interval '30 days'
                  FROM generate_series(1, 5000) g
                RETURNING id, account_id, created_at)
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
            SELECT c.id, u.id, c.account_id, c.created_at FROM c JOIN users u ON u.account_id = c.account_id
            """, ("other", other.AccountId));
        // Rows written behind the service's back: the repair command's code sets their stored unread counts.
        await using (var db = app.Service<Inbox.Infrastructure.Database.InboxDatabase>().Open())
        {
            db.CommandTimeout = 0; // a whole database's recount, like the command's
            await Inbox.Features.ReadReceipts.UnreadRecount.RunAsync(db, CancellationToken.None);
        }
        // What autovacuum does on a live database: statistics, and the visibility map that index-only scans need.
        foreach (var table in new[] { "conversations", "messages", "conversation_participants" })
            await app.ExecuteSqlAsync($"VACUUM ANALYZE {table}");
        Assert.Equal(100_000, await app.ScalarSqlAsync<long>("SELECT count(*) FROM messages WHERE account_id = @account", ("account", accountId)));
    }

    public static TheoryData<string, string, string> BadInput => new()
    {
        { "POST", "/api/conversations", "{}" },
        { "POST", "/api/conversations", "not json" },
        { "POST", "/api/conversations", """{"contact":"Léa"}""" },
        { "POST", "/api/conversations", """{"contact":{}}""" },
        { "POST", "/api/conversations", """{"contact":{"name":"  "}}""" },
        { "POST", "/api/conversations", """{"contact":{"email":"not-an-email"}}""" },
        { "POST", "/api/conversations", """{"contact":{"name":"Léa"},"channel":"E-Mail!"}""" },
        { "POST", "/api/conversations", $$"""{"contact":{"name":"Léa"},"subject":"{{new string('x', 501)}}"}""" },
        { "POST", "/api/conversations", """{"contact":{"name":""" + $"\"{new string('x', 201)}\"" + "}}" },
        { "POST", "/api/conversations", """{"contact":{"name":"Léa"},"assigneeId":"nope"}""" },
        { "POST", "/api/conversations", """{"contact":{"name":"Léa"},"assigneeId":"00000000-0000-0000-0000-000000000000"}""" },
        { "POST", "/api/conversations", $$"""{"contact":{"name":"Léa"},"assigneeId":"{{Guid.CreateVersion7()}}"}""" },
        { "POST", "/api/conversations", """{"contact":{"name":"Léa"},"participantIds":"all"}""" },
        { "POST", "/api/conversations", $$"""{"contact":{"name":"Léa"},"participantIds":["{{Guid.CreateVersion7()}}"]}""" },
        { "POST", "/api/conversations", """{"contact":{"name":"Léa"},"participantIds":""" + TooManyIds() + "}" },
        { "GET", "/api/conversations?status=closed", "" },
        { "GET", "/api/conversations?assigneeId=nobody", "" },
        { "GET", "/api/conversations?limit=0", "" },
        { "GET", "/api/conversations?limit=101", "" },
        { "GET", "/api/conversations?limit=many", "" },
        { "GET", "/api/conversations?cursor=not-a-cursor", "" },
        { "GET", "/api/conversations/not-a-uuid", "" },
        { "GET", $"/api/conversations/{Guid.CreateVersion7()}", "" },
        { "PATCH", "/api/conversations/{id}", "{}" },
        { "PATCH", "/api/conversations/{id}", "[]" },
        { "PATCH", "/api/conversations/{id}", """{"status":"closed"}""" },
        { "PATCH", "/api/conversations/{id}", """{"status":7}""" },
        { "PATCH", "/api/conversations/{id}", $$"""{"subject":"{{new string('x', 501)}}"}""" },
        { "PATCH", "/api/conversations/{id}", $$"""{"assigneeId":"{{Guid.CreateVersion7()}}"}""" },
        { "PATCH", "/api/conversations/not-a-uuid", """{"status":"open"}""" },
        { "PATCH", $"/api/conversations/{Guid.CreateVersion7()}", """{"status":"open"}""" },
    };

    static string TooManyIds() => new JsonArray(Enumerable.Range(0, 51).Select(_ => (JsonNode?)Guid.CreateVersion7().ToString()).ToArray()).ToJsonString();

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_400_or_404_problem_never_a_500(string method, string path, string body)
        => await app.AssertBadInputInAConversationAsync(output, method, path, body);

    [Fact]
    public async Task Api_keys_may_not_list_get_or_patch_conversations()
    {
        var admin = await app.SignUpAsync();
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var id = await app.ClientFor(admin).StartConversationIdAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.PatchAsJsonAsync($"/api/conversations/{id}", new { status = "resolved" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/api/conversations")).StatusCode);
    }
}
