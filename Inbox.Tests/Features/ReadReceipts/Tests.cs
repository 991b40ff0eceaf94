using Inbox.Infrastructure.Events;
using Inbox.Tests.Features.Conversations;
using Xunit.Abstractions;
using Inbox.Features.Events;

namespace Inbox.Tests.Features.ReadReceipts;

public sealed class Tests(InboxAppWithEvents app, ITestOutputHelper output) : IClassFixture<InboxAppWithEvents>
{
    [Fact]
    public async Task Marking_read_answers_the_receipt_and_raises_read_and_unread_events()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var agent = await app.AddUserAsync(admin, name: "Hugo Bernard");
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var id = await app.ClientFor(admin).StartConversationIdAsync(new { contact = new { name = "Léa Martin" }, participantIds = new[] { agent.Id } });
        var first = await key.PostMessageIdAsync(id, "Bonjour");
        await key.PostMessageIdAsync(id, "Ma chaudière fuit");
        await key.PostMessageIdAsync(id, "Pouvez-vous passer ?");

        var response = await app.ClientFor(agent).PostAsJsonAsync($"/api/conversations/{id}/read", new { messageId = first });

        await Snap.MatchAsync(response);
        var read = await app.Events.WaitForAsync<ReadUpdated>(e => e.Receipt.ConversationId == id && e.Receipt.UserId == agent.Id);
        Assert.Equal(first, read.Receipt.LastReadMessageId);
        Assert.Equal(2, read.Receipt.UnreadCount);
        var unread = await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == id && e.UserId == agent.Id && e.UnreadCount == 2);
        Assert.Equal(2, unread.Total);
    }

    [Fact]
    public async Task Marking_read_without_a_message_reads_up_to_the_latest()
    {
        var admin = await app.SignUpAsync();
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var id = await app.ClientFor(admin).StartConversationIdAsync();
        await key.PostMessageIdAsync(id, "Un");
        var latest = await key.PostMessageIdAsync(id, "Deux");

        var receipt = await app.ClientFor(admin).MarkReadAsync(id);

        Assert.Equal(latest, receipt["lastReadMessageId"]!.GetValue<Guid>());
        Assert.Equal(0, receipt["unreadCount"]!.GetValue<int>());
        Assert.NotNull(receipt["lastReadAt"]);
    }

    [Fact]
    public async Task A_burst_of_posts_in_two_accounts_ends_with_every_participant_told_their_true_counts()
    {
        var first = await BurstAccountAsync();
        var second = await BurstAccountAsync();
        const int posts = 30;

        // Interleaved, concurrent posts: the recounts of both accounts share the background batches.
        await Task.WhenAll(Enumerable.Range(0, posts).SelectMany(i => new[]
        {
            first.Key.PostMessageIdAsync(first.Conversation, $"Relance {i}"),
            second.Key.PostMessageIdAsync(second.Conversation, $"Relance {i}"),
        }));

        foreach (var (accountId, agentId, conversation, _) in new[] { first, second })
        {
            var last = await app.Events.WaitForAsync<UnreadUpdated>(e => e.UserId == agentId && e.UnreadCount == posts);
            Assert.Equal((accountId, conversation, (long)posts), (last.AccountId, last.ConversationId, last.Total));
            // Each user hears only of their own account's conversation, and (one reader, reading after the
            // commits it was told of) never a count lower than one they already heard.
            var heard = app.Events.Of<UnreadUpdated>(e => e.UserId == agentId);
            Assert.All(heard, e => Assert.Equal((accountId, conversation), (e.AccountId, e.ConversationId)));
            Assert.Equal(heard.Select(e => e.UnreadCount).Order(), heard.Select(e => e.UnreadCount));
        }
    }

    async Task<(Guid AccountId, Guid AgentId, Guid Conversation, HttpClient Key)> BurstAccountAsync()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var conversation = await app.ClientFor(admin).StartConversationIdAsync(new { contact = new { name = "Léa" }, participantIds = new[] { agent.Id } });
        return (admin.AccountId, agent.Id, conversation, key);
    }

    [Fact]
    public async Task Marking_read_never_moves_backwards()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var reader = app.ClientFor(agent);
        var id = await app.ClientFor(admin).StartConversationIdAsync(new { contact = new { name = "Léa" }, participantIds = new[] { agent.Id } });
        var older = await key.PostMessageIdAsync(id, "Ancien");
        await key.PostMessageIdAsync(id, "Récent");
        var latest = await reader.MarkReadAsync(id);
        // Unread counts are published off the request path: let this mark-read's own one arrive before the window opens.
        await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == id && e.UserId == agent.Id && e.UnreadCount == 0);
        var start = app.Events.All.Count;

        var backwards = await reader.PostAsJsonAsync($"/api/conversations/{id}/read", new { messageId = older });

        Assert.Equal(HttpStatusCode.OK, backwards.StatusCode);
        var receipt = await backwards.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(latest.ToJsonString(), receipt!.ToJsonString()); // the same receipt, the same lastReadAt
        Assert.Equal(0, receipt["unreadCount"]!.GetValue<int>());
        // No read.updated for a move that did not happen: everything published before the next message is not
        // about it. The fence is the next post's unread.updated: recounts are published in the order they were
        // queued. A recount the earlier posts queued may still land in the window (it reads the count as it is
        // when it runs, so it says 0 again): any unread.updated there must say 0, never a count from before.
        await key.PostMessageIdAsync(id, "Plus tard");
        var fence = await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == id && e.UserId == agent.Id && e.UnreadCount == 1);
        var window = app.Events.Between(start, fence);
        Assert.DoesNotContain(window, e => e is ReadUpdated);
        Assert.All(window.OfType<UnreadUpdated>().Where(e => e.UserId == agent.Id), e => Assert.Equal(0, e.UnreadCount));
    }

    [Fact]
    public async Task Receipts_list_every_participant_with_their_own_unread_count()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var assignee = await app.AddUserAsync(admin, name: "Hugo Bernard");
        var named = await app.AddUserAsync(admin, name: "Inès Moreau");
        var poster = await app.AddUserAsync(admin, name: "Jules Petit");
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var id = await key.StartConversationIdAsync(new { contact = new { name = "Léa" }, assigneeId = assignee.Id, participantIds = new[] { named.Id } });
        await key.PostMessageIdAsync(id, "Bonjour");
        await app.ClientFor(poster).PostMessageIdAsync(id, "Je regarde");
        await app.ClientFor(assignee).MarkReadAsync(id);

        var response = await app.ClientFor(admin).GetAsync($"/api/conversations/{id}/receipts");

        await Snap.MatchAsync(response);
        var receipts = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
        var byUser = receipts.ToDictionary(r => r!["userId"]!.GetValue<Guid>(), r => r!["unreadCount"]!.GetValue<int>());
        Assert.Equal(new Dictionary<Guid, int> { [assignee.Id] = 0, [named.Id] = 2, [poster.Id] = 1 }, byUser);
    }

    [Fact]
    public async Task Marking_read_as_a_non_participant_makes_the_reader_a_participant()
    {
        var admin = await app.SignUpAsync();
        var outsider = await app.AddUserAsync(admin);
        var id = await app.ClientFor(admin).StartConversationIdAsync();
        await app.ClientFor(admin).PostMessageIdAsync(id, "Bonjour");
        var before = await app.ClientFor(outsider).GetJsonAsync($"/api/conversations/{id}");
        Assert.Equal(0, before["unreadCount"]!.GetValue<int>()); // not a participant: nothing is unread for them

        await app.ClientFor(outsider).MarkReadAsync(id);

        var after = await app.ClientFor(admin).GetJsonAsync($"/api/conversations/{id}");
        Assert.Contains(outsider.Id, after["participantIds"]!.AsArray().Select(p => p!.GetValue<Guid>()));
        var receipts = (await app.ClientFor(admin).GetFromJsonAsync<JsonArray>($"/api/conversations/{id}/receipts"))!;
        Assert.Contains(outsider.Id, receipts.Select(r => r!["userId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task A_users_own_messages_are_never_unread_for_them()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var id = await app.ClientFor(admin).StartConversationIdAsync(new { contact = new { name = "Léa" }, participantIds = new[] { agent.Id } });
        await app.ClientFor(admin).PostMessageIdAsync(id, "De moi");
        await app.ClientFor(agent).PostMessageIdAsync(id, "De l'agent");
        await app.ClientFor(admin).PostMessageIdAsync(id, "Encore de moi");

        var mine = await app.ClientFor(admin).GetJsonAsync($"/api/conversations/{id}");
        var theirs = await app.ClientFor(agent).GetJsonAsync($"/api/conversations/{id}");

        Assert.Equal(1, mine["unreadCount"]!.GetValue<int>());
        Assert.Equal(2, theirs["unreadCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_unread_total_leaves_muted_conversations_out()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var me = await app.AddUserAsync(admin, name: "Hugo Bernard");
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var client = app.ClientFor(me);
        async Task<Guid> ConversationWithAsync(int unread)
        {
            var id = await key.StartConversationIdAsync(new { contact = new { name = "Léa" }, participantIds = new[] { me.Id } });
            for (var i = 0; i < unread; i++) await key.PostMessageIdAsync(id, $"Message {i}");
            return id;
        }
        await ConversationWithAsync(0);                // read, unmuted: not listed
        var mutedQuiet = await ConversationWithAsync(0);
        var muted = await ConversationWithAsync(3);
        var loud = await ConversationWithAsync(2);

        var mute = await client.PutAsJsonAsync($"/api/conversations/{muted}/mute", new { muted = true });
        await client.PutAsJsonAsync($"/api/conversations/{mutedQuiet}/mute", new { muted = true });
        var unread = await client.GetAsync("/api/unread");

        await Snap.MatchAsync(mute, "mute");
        await Snap.MatchAsync(unread, "unread");
        var json = (await unread.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2, json["total"]!.GetValue<int>());
        Assert.Equal([loud, muted, mutedQuiet], json["conversations"]!.AsArray().Select(c => c!["conversationId"]!.GetValue<Guid>()));
        // Muting raised the new total (the muted conversation's 3 left out) with its own count unchanged.
        await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == muted && e.UserId == me.Id && e.UnreadCount == 3 && e.Total == 2);
        var conversation = await client.GetJsonAsync($"/api/conversations/{muted}");
        Assert.True(conversation["muted"]!.GetValue<bool>());
        Assert.Equal(3, conversation["unreadCount"]!.GetValue<int>()); // muted keeps its own count

        await client.PutAsJsonAsync($"/api/conversations/{muted}/mute", new { muted = false });
        Assert.Equal(5, (await client.GetJsonAsync("/api/unread"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unread_counts_stay_equal_to_a_recount_while_two_agents_post_and_a_third_marks_read()
    {
        const int PostsEach = 25;
        var admin = await app.SignUpAsync();
        var first = await app.AddUserAsync(admin);
        var second = await app.AddUserAsync(admin);
        var reader = await app.AddUserAsync(admin);
        var id = await app.ClientFor(admin).StartConversationIdAsync(new
        {
            contact = new { name = "Léa" },
            participantIds = new[] { first.Id, second.Id, reader.Id },
        });
        var opening = await app.ClientFor(admin).PostMessageIdAsync(id, "Ouverture");

        var posting = 2;
        async Task PostAsync(TestUser agent)
        {
            var client = app.ClientFor(agent);
            for (var i = 0; i < PostsEach; i++) await client.PostMessageIdAsync(id, $"{agent.Id} #{i}");
            Interlocked.Decrement(ref posting);
        }
        var readerSaw = new List<Guid?>();
        async Task ReadAsync()
        {
            var client = app.ClientFor(reader);
            // Alternate "up to the latest" with a backwards attempt, until both posters are done.
            for (var round = 0; Volatile.Read(ref posting) > 0 || round < 4; round++)
            {
                var receipt = await client.MarkReadAsync(id, round % 2 == 0 ? null : opening);
                readerSaw.Add(receipt["lastReadMessageId"]?.GetValue<Guid>());
            }
        }

        await Task.WhenAll(Task.Run(() => PostAsync(first)), Task.Run(() => PostAsync(second)), Task.Run(ReadAsync));

        // Seqs are exactly 1..N: no two posts took the same position, none was lost.
        var seqs = await SeqsAsync(id);
        Assert.Equal(Enumerable.Range(1, 1 + 2 * PostsEach).Select(i => (long)i), seqs.Values.Order());
        Assert.Equal(seqs.MaxBy(s => s.Value).Key, await app.ScalarSqlAsync<Guid>("SELECT last_message_id FROM conversations WHERE id = @id", ("id", id)));
        // The reader's receipt only ever moved forward, whatever the interleaving.
        var readSeqs = readerSaw.Select(m => m is { } messageId ? seqs[messageId] : 0).ToList();
        output.WriteLine($"{readSeqs.Count} marks, positions {string.Join(",", readSeqs)}");
        Assert.Equal(readSeqs.Order(), readSeqs);

        foreach (var user in new[] { admin, first, second, reader })
        {
            var recount = await RecountAsync(id, user.Id);
            var conversation = await app.ClientFor(user).GetJsonAsync($"/api/conversations/{id}");
            var unread = await app.ClientFor(user).GetJsonAsync("/api/unread");
            Assert.Equal(recount, conversation["unreadCount"]!.GetValue<long>());
            Assert.Equal(recount, unread["total"]!.GetValue<long>());
        }
        Assert.Equal(PostsEach + 1, await RecountAsync(id, first.Id)); // never read: the opening and the other agent's posts
    }

    /// <summary>
    /// Unread counted independently of the service: from the message the receipt names (not its stored seq),
    /// counting every message after it by position that the user did not send.
    /// </summary>
    async Task<long> RecountAsync(Guid conversationId, Guid userId) => await app.ScalarSqlAsync<long>(
        """
        SELECT count(*)
          FROM messages m
         WHERE m.conversation_id = @conversation
           AND m.sender_user_id IS DISTINCT FROM @user
           AND m.seq > COALESCE((SELECT r.seq
                                   FROM conversation_participants p JOIN messages r ON r.id = p.last_read_message_id
                                  WHERE p.conversation_id = @conversation AND p.user_id = @user), 0)
        """, ("conversation", conversationId), ("user", userId));

    async Task<Dictionary<Guid, long>> SeqsAsync(Guid conversationId)
    {
        await using var sql = await app.OpenSqlAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id, seq FROM messages WHERE conversation_id = @id", sql);
        command.Parameters.AddWithValue("id", conversationId);
        var seqs = new Dictionary<Guid, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) seqs.Add(reader.GetGuid(0), reader.GetInt64(1));
        return seqs;
    }

    [Fact]
    public async Task Receipts_and_mute_of_another_accounts_conversation_are_not_found()
    {
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            return new Probe(HttpMethod.Post, $"/api/conversations/{id}/read", id, new { });
        });
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            return new Probe(HttpMethod.Get, $"/api/conversations/{id}/receipts", id);
        });
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            return new Probe(HttpMethod.Put, $"/api/conversations/{id}/mute", id, new { muted = true });
        });
    }

    [Fact]
    public async Task A_message_of_another_account_cannot_be_marked_read()
    {
        var owner = await app.SignUpAsync();
        var theirs = await app.ClientFor(owner).StartConversationIdAsync();
        var theirMessage = await app.ClientFor(owner).PostMessageIdAsync(theirs);
        var me = await app.SignUpAsync();
        var mine = await app.ClientFor(me).StartConversationIdAsync();

        var response = await app.ClientFor(me).PostAsJsonAsync($"/api/conversations/{mine}/read", new { messageId = theirMessage });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Unread_conversations_of_another_account_are_not_listed()
    {
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            await app.ClientFor(owner).PutAsJsonAsync($"/api/conversations/{id}/mute", new { muted = true });
            return ("/api/unread", id);
        });
    }

    [Fact]
    public async Task Api_keys_have_no_receipts()
    {
        var admin = await app.SignUpAsync();
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var id = await app.ClientFor(admin).StartConversationIdAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await key.PostAsJsonAsync($"/api/conversations/{id}/read", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync($"/api/conversations/{id}/receipts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync("/api/unread")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.PutAsJsonAsync($"/api/conversations/{id}/mute", new { muted = true })).StatusCode);
    }

    public static TheoryData<string, string, string> BadInput => new()
    {
        { "POST", "/api/conversations/{id}/read", "not json" },
        { "POST", "/api/conversations/{id}/read", """{"messageId":"nope"}""" },
        { "POST", "/api/conversations/{id}/read", """{"messageId":42}""" },
        { "POST", "/api/conversations/{id}/read", """{"messageId":"00000000-0000-0000-0000-000000000000"}""" },
        { "POST", "/api/conversations/{id}/read", $$"""{"messageId":"{{Guid.CreateVersion7()}}"}""" },
        { "POST", "/api/conversations/not-a-uuid/read", "{}" },
        { "POST", $"/api/conversations/{Guid.CreateVersion7()}/read", "{}" },
        { "GET", "/api/conversations/not-a-uuid/receipts", "" },
        { "GET", $"/api/conversations/{Guid.CreateVersion7()}/receipts", "" },
        { "PUT", "/api/conversations/{id}/mute", "{}" },
        { "PUT", "/api/conversations/{id}/mute", """{"muted":null}""" },
        { "PUT", "/api/conversations/{id}/mute", """{"muted":"yes"}""" },
        { "PUT", "/api/conversations/{id}/mute", "not json" },
        { "PUT", "/api/conversations/not-a-uuid/mute", """{"muted":true}""" },
        { "PUT", $"/api/conversations/{Guid.CreateVersion7()}/mute", """{"muted":true}""" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_400_or_404_problem_never_a_500(string method, string path, string body)
        => await app.AssertBadInputInAConversationAsync(output, method, path, body);
}
