using Inbox.Infrastructure.Events;
using Inbox.Tests.Features.Conversations;
using Xunit.Abstractions;
using Inbox.Features.Events;

namespace Inbox.Tests.Features.Messages;

public sealed class Tests(InboxAppWithEvents app, ITestOutputHelper output) : IClassFixture<InboxAppWithEvents>
{
    [Fact]
    public async Task A_user_posts_an_outgoing_message_and_becomes_a_participant()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var agent = await app.AddUserAsync(admin, name: "Hugo Bernard");
        var key = await app.AddApiKeyAsync(admin);
        var id = await app.ClientFor(key).StartConversationIdAsync(new { contact = new { name = "Léa Martin" } });
        await app.ClientFor(admin).PatchAsJsonAsync($"/api/conversations/{id}", new { assigneeId = admin.Id });

        var response = await app.ClientFor(agent).PostAsJsonAsync($"/api/conversations/{id}/messages", new { body = "Bonjour Léa, un technicien passe demain entre 8 h et 10 h." });

        await Snap.MatchAsync(response);
        var message = Snap.Parse(await response.Content.ReadAsStringAsync());
        var messageId = message["id"]!.ToObject<Guid>();
        var conversation = await app.ClientFor(admin).GetJsonAsync($"/api/conversations/{id}");
        Assert.Contains(agent.Id, conversation["participantIds"]!.AsArray().Select(p => p!.GetValue<Guid>()));
        Assert.Equal(messageId, conversation["lastMessage"]!["id"]!.GetValue<Guid>());
        Assert.Equal(message["createdAt"]!.ToString(), conversation["lastActivityAt"]!.GetValue<string>());

        var created = await app.Events.WaitForAsync<MessageCreated>(e => e.Message.Id == messageId);
        Assert.Equal(id, created.ConversationId);
        Assert.Equal(admin.AccountId, created.AccountId);
        Assert.Equal(agent.Id, created.Message.Sender.Id);
        // The assignee now has one unread message; the poster's own message is never unread for them.
        var forAdmin = await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == id && e.UserId == admin.Id && e.UnreadCount == 1);
        Assert.Equal(1, forAdmin.Total);
        var forPoster = await app.Events.WaitForAsync<UnreadUpdated>(e => e.ConversationId == id && e.UserId == agent.Id);
        Assert.Equal(0, forPoster.UnreadCount); // raised because the poster just joined, with nothing earlier to read
    }

    [Fact]
    public async Task An_api_key_posts_incoming_messages_on_behalf_of_the_contact_and_outgoing_ones_as_the_integration()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var key = app.ClientFor(await app.AddApiKeyAsync(admin, "Formulaire du site"));
        var id = await key.StartConversationIdAsync(new { contact = new { name = "Léa Martin", email = "lea@example.com" } });

        var incoming = await key.PostAsJsonAsync($"/api/conversations/{id}/messages", new { body = "Ma machine à café fuit." });
        var outgoing = await key.PostAsJsonAsync($"/api/conversations/{id}/messages", new { body = "Accusé de réception automatique.", direction = "outgoing" });

        await Snap.MatchAsync(incoming, "incoming");
        await Snap.MatchAsync(outgoing, "outgoing");
        var conversation = await app.ClientFor(admin).GetJsonAsync($"/api/conversations/{id}");
        Assert.Empty(conversation["participantIds"]!.AsArray());
    }

    [Fact]
    public async Task Messages_list_newest_first_in_pages()
    {
        var admin = await app.SignUpAsync("Atelier Dupont", "Camille Dupont");
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync();
        foreach (var body in new[] { "Premier message", "Deuxième message", "Troisième message" })
            await client.PostMessageAsync(id, body);

        var first = await client.GetAsync($"/api/conversations/{id}/messages?limit=2");

        await Snap.MatchAsync(first, scrubFields: "nextCursor");
        var page1 = await client.GetJsonAsync($"/api/conversations/{id}/messages?limit=2");
        var page2 = await client.GetJsonAsync($"/api/conversations/{id}/messages?limit=2&cursor={Uri.EscapeDataString(page1["nextCursor"]!.GetValue<string>())}");
        Assert.Equal(["Premier message"], page2["items"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()));
        Assert.Null(page2["nextCursor"]);
    }

    [Fact]
    public async Task Pages_cross_boundaries_between_messages_with_equal_timestamps_without_skipping_or_repeating()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync();
        await InsertWithOneTimestampAsync(id, admin.AccountId, 10);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/api/conversations/{id}/messages?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page["items"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => $"Message {i}"), seen);
    }

    [Fact]
    public async Task Catching_up_after_a_message_is_oldest_first_and_continues_with_the_cursor()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync();
        await InsertWithOneTimestampAsync(id, admin.AccountId, 10);
        var all = await client.GetJsonAsync($"/api/conversations/{id}/messages?limit=100");
        var third = all["items"]!.AsArray().Single(m => m!["body"]!.GetValue<string>() == "Message 3")!["id"]!.GetValue<Guid>();

        var seen = new List<string>();
        var page = await client.GetJsonAsync($"/api/conversations/{id}/messages?after={third}&limit=4");
        seen.AddRange(page["items"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()));
        while (page["nextCursor"]?.GetValue<string>() is { } cursor)
        {
            page = await client.GetJsonAsync($"/api/conversations/{id}/messages?limit=4&cursor={Uri.EscapeDataString(cursor)}");
            seen.AddRange(page["items"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()));
        }

        Assert.Equal(Enumerable.Range(4, 7).Select(i => $"Message {i}"), seen);
        // Caught up: after the newest message there is nothing, and no cursor.
        var newest = all["items"]![0]!["id"]!.GetValue<Guid>();
        var nothing = await client.GetJsonAsync($"/api/conversations/{id}/messages?after={newest}");
        Assert.Empty(nothing["items"]!.AsArray());
        Assert.Null(nothing["nextCursor"]);
    }

    [Fact]
    public async Task A_message_posted_after_a_catch_up_page_is_in_the_next_catch_up()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync();
        var last = await client.PostMessageIdAsync(id, "Avant la coupure");

        var later = await client.PostMessageIdAsync(id, "Pendant la coupure");
        var caughtUp = await client.GetJsonAsync($"/api/conversations/{id}/messages?after={last}");

        Assert.Equal([later], caughtUp.Ids());
    }

    [Fact]
    public async Task Posting_with_an_idempotency_key_twice_creates_one_message()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await client.StartConversationIdAsync();

        HttpRequestMessage Request() => new(HttpMethod.Post, $"/api/conversations/{id}/messages")
        {
            Content = JsonContent.Create(new { body = "Une seule fois" }),
            Headers = { { "Idempotency-Key", "message-7" } },
        };
        var first = await client.SendAsync(Request());
        var again = await client.SendAsync(Request());

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.ScalarSqlAsync<long>("SELECT count(*) FROM messages WHERE conversation_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Messages_of_another_accounts_conversation_are_not_found()
    {
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var client = app.ClientFor(owner);
            var id = await client.StartConversationIdAsync();
            await client.PostMessageAsync(id, "Secret");
            return new Probe(HttpMethod.Get, $"/api/conversations/{id}/messages", id);
        });
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await app.ClientFor(owner).StartConversationIdAsync();
            return new Probe(HttpMethod.Post, $"/api/conversations/{id}/messages", id, new { body = "Intrusion" });
        });
    }

    [Fact]
    public async Task An_api_key_cannot_post_into_another_accounts_conversation()
    {
        var owner = await app.SignUpAsync();
        var id = await app.ClientFor(owner).StartConversationIdAsync();
        var foreignKey = app.ClientFor(await app.AddApiKeyAsync(await app.SignUpAsync()));

        var response = await foreignKey.PostAsJsonAsync($"/api/conversations/{id}/messages", new { body = "Intrusion" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await app.ScalarSqlAsync<long>("SELECT count(*) FROM messages WHERE conversation_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_message_of_another_conversation_is_refused_as_catch_up_point()
    {
        var owner = await app.SignUpAsync();
        var client = app.ClientFor(owner);
        var one = await client.StartConversationIdAsync();
        var other = await client.StartConversationIdAsync();
        var elsewhere = await client.PostMessageIdAsync(other);

        var response = await client.GetAsync($"/api/conversations/{one}/messages?after={elsewhere}");

        await Snap.MatchAsync(response);
    }

    public static TheoryData<string, string, string> BadInput => new()
    {
        { "POST", "/api/conversations/{id}/messages", "{}" },
        { "POST", "/api/conversations/{id}/messages", "not json" },
        { "POST", "/api/conversations/{id}/messages", """{"body":""}""" },
        { "POST", "/api/conversations/{id}/messages", """{"body":"   "}""" },
        { "POST", "/api/conversations/{id}/messages", """{"body":42}""" },
        { "POST", "/api/conversations/{id}/messages", """{"body":null}""" },
        { "POST", "/api/conversations/{id}/messages", $$"""{"body":"{{new string('x', 10_001)}}"}""" },
        { "POST", "/api/conversations/{id}/messages", """{"body":"Bonjour","direction":"sideways"}""" },
        { "POST", "/api/conversations/not-a-uuid/messages", """{"body":"Bonjour"}""" },
        { "POST", $"/api/conversations/{Guid.CreateVersion7()}/messages", """{"body":"Bonjour"}""" },
        { "GET", "/api/conversations/{id}/messages?limit=0", "" },
        { "GET", "/api/conversations/{id}/messages?limit=101", "" },
        { "GET", "/api/conversations/{id}/messages?cursor=garbage", "" },
        { "GET", $"/api/conversations/{{id}}/messages?cursor={Uri.EscapeDataString(Inbox.Infrastructure.Http.KeysetCursor.Encode(0.5, Guid.CreateVersion7()))}", "" },
        { "GET", "/api/conversations/{id}/messages?after=not-a-uuid", "" },
        { "GET", $"/api/conversations/{{id}}/messages?after={Guid.CreateVersion7()}", "" },
        { "GET", $"/api/conversations/{{id}}/messages?after={Guid.CreateVersion7()}&cursor={Uri.EscapeDataString(Inbox.Infrastructure.Http.KeysetCursor.Encode(-3L, Guid.CreateVersion7()))}", "" },
        { "GET", $"/api/conversations/{Guid.CreateVersion7()}/messages", "" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_400_or_404_problem_never_a_500(string method, string path, string body)
        => await app.AssertBadInputInAConversationAsync(output, method, path, body);

    /// <summary>Messages 1..count sharing one created_at, inserted straight in SQL as a burst imported at once would be.</summary>
    async Task InsertWithOneTimestampAsync(Guid conversationId, Guid accountId, int count)
    {
        await app.ExecuteSqlAsync(
            """
            WITH burst AS (
                INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
                SELECT gen_random_uuid(), @account, @conversation, s, 'incoming', 'Message ' || s, 'contact', 'Léa Martin',
                       '2026-11-24T05:17:50.123456Z'
                  FROM generate_series(1, @count) s
                RETURNING id, seq, created_at)
            UPDATE conversations c
               SET last_seq = b.seq, last_message_id = b.id, last_activity_at = b.created_at
              FROM burst b
             WHERE c.id = @conversation AND b.seq = @count
            """, ("account", accountId), ("conversation", conversationId), ("count", count));
    }
}
