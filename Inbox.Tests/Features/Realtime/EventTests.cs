using Inbox.Tests.Features.Conversations;

namespace Inbox.Tests.Features.Realtime;

public sealed class EventTests(RealtimeApp app) : IClassFixture<RealtimeApp>
{
    static Func<JsonObject, bool> For(Guid conversationId) => f => f["conversationId"]?.GetValue<Guid>() == conversationId;

    async Task<TestSocket> SubscribedAsync(TestUser user, Guid conversationId)
    {
        var socket = await TestSocket.ConnectAsync(app, user);
        await socket.SendAsync(new { type = "subscribe", conversationId, @ref = "s" });
        await socket.WaitForAsync("subscribed", For(conversationId));
        return socket;
    }

    [Fact]
    public async Task Subscribing_answers_subscribed_and_unsubscribing_unsubscribed()
    {
        var user = await app.SignUpAsync();
        var conversation = await app.ClientFor(user).StartConversationIdAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendAsync(new { type = "subscribe", conversationId = conversation, @ref = "sub-1" });
        Snap.MatchJson((await socket.WaitForAsync("subscribed")).ToJsonString(), "subscribed");
        await socket.SendAsync(new { type = "unsubscribe", conversationId = conversation, @ref = "unsub-1" });
        Snap.MatchJson((await socket.WaitForAsync("unsubscribed")).ToJsonString(), "unsubscribed");
    }

    [Fact]
    public async Task Another_accounts_conversation_is_not_found_and_sends_nothing()
    {
        var owner = await app.SignUpAsync();
        var conversation = await app.ClientFor(owner).StartConversationIdAsync();
        var outsider = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, outsider);

        await socket.SendAsync(new { type = "subscribe", conversationId = conversation, @ref = "peek" });
        var error = await socket.WaitForAsync("error");
        await app.ClientFor(owner).PostMessageAsync(conversation, "secret");

        Snap.MatchJson(error.ToJsonString());
        await socket.AssertNoFrameAsync("message.created", TimeSpan.FromSeconds(2));
        await socket.SendAsync(new { type = "view", conversationId = conversation, @ref = "look" });
        Assert.Equal("not_found", (await socket.WaitForAsync("error"))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_posted_message_fans_out_to_every_subscriber()
    {
        var admin = await app.SignUpAsync(name: "Chloé Garnier");
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        await using var first = await SubscribedAsync(admin, conversation);
        await using var second = await SubscribedAsync(agent, conversation);
        await using var notSubscribed = await TestSocket.ConnectAsync(app, agent);

        await app.ClientFor(admin).PostMessageAsync(conversation, "La pièce arrive mardi.");

        var toFirst = await first.WaitForAsync("message.created");
        var toSecond = await second.WaitForAsync("message.created");
        Snap.MatchJson(toFirst.ToJsonString());
        Assert.Equal(toFirst.ToJsonString(), toSecond.ToJsonString());
        await notSubscribed.AssertNoFrameAsync("message.created", TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Conversation_updates_and_read_receipts_reach_subscribers()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin, name: "Yanis Durand");
        var client = app.ClientFor(admin);
        var conversation = await client.StartConversationIdAsync(new { subject = "Devis chaudière", contact = new { name = "Marc Blanc" } });
        await app.ClientFor(agent).PostMessageAsync(conversation, "Devis envoyé.");
        await using var socket = await SubscribedAsync(admin, conversation);

        await client.PatchAsJsonAsync($"/api/conversations/{conversation}", new { status = "pending" });
        Snap.MatchJson((await socket.WaitForAsync("conversation.updated")).ToJsonString(), "conversation.updated");
        await socket.SendAsync(new { type = "read", conversationId = conversation });
        Snap.MatchJson((await socket.WaitForAsync("read.updated")).ToJsonString(), "read.updated");
    }

    [Fact]
    public async Task Unread_updated_goes_only_to_the_user_whose_count_changed_on_all_their_connections()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync(new { contact = new { name = "Client" }, participantIds = new[] { agent.Id } });
        await using var agentPhone = await TestSocket.ConnectAsync(app, agent);
        await using var agentDesk = await TestSocket.ConnectAsync(app, agent);
        await using var adminSocket = await TestSocket.ConnectAsync(app, admin);

        await app.ClientFor(admin).PostMessageAsync(conversation, "Nouvelle demande");

        var onPhone = await agentPhone.WaitForAsync("unread.updated", For(conversation));
        var onDesk = await agentDesk.WaitForAsync("unread.updated", For(conversation));
        Snap.MatchJson(onPhone.ToJsonString());
        Assert.Equal(onPhone.ToJsonString(), onDesk.ToJsonString());
        await adminSocket.AssertNoFrameAsync("unread.updated", TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Typing_reaches_the_other_subscribers_and_is_never_echoed()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin, name: "Julie Faure");
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        await using var typist = await SubscribedAsync(agent, conversation);
        await using var typistOtherTab = await SubscribedAsync(agent, conversation);
        await using var reader = await SubscribedAsync(admin, conversation);

        await typist.SendAsync(new { type = "typing", conversationId = conversation, state = "start" });

        Snap.MatchJson((await reader.WaitForAsync("typing")).ToJsonString());
        await typist.AssertNoFrameAsync("typing", TimeSpan.FromSeconds(1));
        await typistOtherTab.AssertNoFrameAsync("typing", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Typing_without_subscribing_is_an_error()
    {
        var user = await app.SignUpAsync();
        var conversation = await app.ClientFor(user).StartConversationIdAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendAsync(new { type = "typing", conversationId = conversation, state = "start", @ref = "t" });

        Assert.Equal("not_subscribed", (await socket.WaitForAsync("error"))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Viewing_tells_the_account_who_looks_at_a_conversation()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        await using var watcher = await TestSocket.ConnectAsync(app, admin);
        await using var viewer = await TestSocket.ConnectAsync(app, agent);

        await viewer.SendAsync(new { type = "view", conversationId = conversation });
        var looking = await watcher.WaitForAsync("viewing", f => f["userIds"]!.AsArray().Count == 1);
        await viewer.SendAsync(new { type = "view", conversationId = (Guid?)null });
        var gone = await watcher.WaitForAsync("viewing", f => f["userIds"]!.AsArray().Count == 0);

        Snap.MatchJson(looking.ToJsonString());
        Assert.Equal(agent.Id, looking["userIds"]![0]!.GetValue<Guid>());
        Assert.Equal(conversation, gone["conversationId"]!.GetValue<Guid>());
    }
}

public sealed class TypingExpiryTests(ClockedRealtimeApp app) : IClassFixture<ClockedRealtimeApp>
{
    [Fact]
    public async Task A_start_not_refreshed_within_6_seconds_is_broadcast_as_stop()
    {
        var clock = app.ResetClock();
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        await using var typist = await TestSocket.ConnectAsync(app, agent);
        await using var reader = await TestSocket.ConnectAsync(app, admin);
        foreach (var socket in new[] { typist, reader })
        {
            await socket.SendAsync(new { type = "subscribe", conversationId = conversation });
            await socket.WaitForAsync("subscribed");
        }

        await typist.SendAsync(new { type = "typing", conversationId = conversation, state = "start" });
        Assert.Equal("start", (await reader.WaitForAsync("typing"))["state"]!.GetValue<string>());
        clock.Advance(Duration.FromSeconds(5));
        app.RunSweep();
        await reader.AssertNoFrameAsync("typing", TimeSpan.FromSeconds(1));
        clock.Advance(Duration.FromSeconds(2));
        app.RunSweep();

        var stop = await reader.WaitForAsync("typing");
        Assert.Equal("stop", stop["state"]!.GetValue<string>());
        Assert.Equal(agent.Id, stop["userId"]!.GetValue<Guid>());
    }
}

public sealed class ReadFrameTests(RealtimeApp app) : IClassFixture<RealtimeApp>
{
    [Fact]
    public async Task The_read_frame_moves_the_receipt_like_the_http_route_and_refuses_bad_ids()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        var first = await app.ClientFor(agent).PostMessageIdAsync(conversation, "un");
        await app.ClientFor(agent).PostMessageIdAsync(conversation, "deux");
        await using var socket = await TestSocket.ConnectAsync(app, admin);
        await socket.SendAsync(new { type = "subscribe", conversationId = conversation });
        await socket.WaitForAsync("subscribed");

        await socket.SendAsync(new { type = "read", conversationId = conversation, messageId = first });
        var receipt = (await socket.WaitForAsync("read.updated"))["receipt"]!;
        await socket.SendAsync(new { type = "read", conversationId = conversation, messageId = "nope", @ref = "bad" });
        var badId = await socket.WaitForAsync("error");
        await socket.SendAsync(new { type = "read", conversationId = conversation, messageId = Guid.CreateVersion7(), @ref = "missing" });
        var missing = await socket.WaitForAsync("error");

        Assert.Equal(first, receipt["lastReadMessageId"]!.GetValue<Guid>());
        Assert.Equal(1, receipt["unreadCount"]!.GetValue<int>());
        Assert.Equal(("bad_frame", "bad"), (badId["code"]!.GetValue<string>(), badId["ref"]!.GetValue<string>()));
        Assert.Equal(("not_found", "missing"), (missing["code"]!.GetValue<string>(), missing["ref"]!.GetValue<string>()));
        var http = await app.ClientFor(admin).GetJsonAsync($"/api/conversations/{conversation}");
        Assert.Equal(1, http["unreadCount"]!.GetValue<int>());
    }
}
