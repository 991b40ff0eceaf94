using Inbox.Features.Realtime;
using Inbox.Tests.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Features.Realtime;

public sealed class TwoInstanceTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task Presence_is_the_same_seen_from_either_instance()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var agent = await a.AddUserAsync(admin, name: "Paul Roux");
        await using var watcherOnA = await TestSocket.ConnectAsync(a, admin);

        var agentOnB = await TestSocket.ConnectAsync(b, agent);
        var online = await watcherOnA.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);
        var seenFromA = await a.ClientFor(admin).GetFromJsonAsync<JsonArray>("/api/presence");
        await agentOnB.DisposeAsync();
        var offline = await watcherOnA.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id && f["status"]!.GetValue<string>() == "offline");

        Assert.Equal("online", online["status"]!.GetValue<string>());
        Assert.Equal("online", seenFromA!.Single(u => u!["userId"]!.GetValue<Guid>() == agent.Id)!["status"]!.GetValue<string>());
        Assert.NotNull(offline["lastSeenAt"]);
    }

    [Fact]
    public async Task A_user_connected_to_both_instances_stays_online_until_the_last_socket_goes()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var agent = await a.AddUserAsync(admin);
        await using var watcher = await TestSocket.ConnectAsync(a, admin);
        var onA = await TestSocket.ConnectAsync(a, agent);
        await using var onB = await TestSocket.ConnectAsync(b, agent);
        // Each instance announces the user once it has recorded its socket; wait for both before closing one.
        await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);
        await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);

        await onA.DisposeAsync();
        await onB.SendAsync(new { type = "presence", status = "busy" });
        var next = await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id && f["status"]!.GetValue<string>() != "online");

        Assert.Equal("busy", next["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_message_posted_through_A_reaches_a_socket_on_B_and_typing_from_B_reaches_A()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var agent = await a.AddUserAsync(admin);
        var conversation = await a.ClientFor(admin).StartConversationIdAsync();
        await using var onA = await TestSocket.ConnectAsync(a, admin);
        await using var onB = await TestSocket.ConnectAsync(b, agent);
        foreach (var socket in new[] { onA, onB })
        {
            await socket.SendAsync(new { type = "subscribe", conversationId = conversation });
            await socket.WaitForAsync("subscribed");
        }

        var posted = await a.ClientFor(admin).PostMessageAsync(conversation, new string('é', 9_000)); // a frame over NOTIFY's 8000-byte limit
        var delivered = await onB.WaitForAsync("message.created");
        await onB.SendAsync(new { type = "typing", conversationId = conversation, state = "start" });
        var typing = await onA.WaitForAsync("typing");

        Assert.Equal(posted["id"]!.GetValue<Guid>(), delivered["message"]!["id"]!.GetValue<Guid>());
        Assert.Equal(posted["body"]!.GetValue<string>(), delivered["message"]!["body"]!.GetValue<string>());
        Assert.Equal(agent.Id, typing["userId"]!.GetValue<Guid>());
    }
}
