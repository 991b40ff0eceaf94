using Inbox.Features.Realtime;
using Inbox.Tests.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Inbox.Tests.Features.Realtime;

/// <summary>Cuts an instance's LISTEN connection from the outside, as a PostgreSQL restart or failover would.</summary>
static class Listener
{
    /// <summary>Terminates <paramref name="app"/>'s LISTEN backend (found by its query and application name); answers its pid.</summary>
    public static async Task<int> TerminateAsync(InboxApp app)
    {
        var backplane = app.Services.GetRequiredService<Backplane>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            await using var connection = new NpgsqlConnection(app.ConnectionString);
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand(
                """
                SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE query = 'LISTEN inbox_realtime' AND application_name = @name
                """, connection);
            kill.Parameters.AddWithValue("name", backplane.ListenerApplicationName);
            await using var reader = await kill.ExecuteReaderAsync();
            if (await reader.ReadAsync() && reader.GetBoolean(1)) return reader.GetInt32(0);
            Assert.True(DateTime.UtcNow < deadline, "the instance never listened");
            await Task.Delay(50);
        }
    }
}

public sealed class ResyncTests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Losing_the_LISTEN_connection_sends_resync_to_every_connection_once_it_listens_again()
    {
        var user = await app.SignUpAsync();
        var agent = await app.AddUserAsync(user);
        await using var first = await TestSocket.ConnectAsync(app, user);
        await using var second = await TestSocket.ConnectAsync(app, agent);

        var killed = await Listener.TerminateAsync(app);

        var resync = await first.WaitForAsync("resync", wait: TimeSpan.FromSeconds(15));
        await second.WaitForAsync("resync", wait: TimeSpan.FromSeconds(15));
        Snap.MatchJson(resync.ToJsonString());
        var listening = app.Services.GetRequiredService<Backplane>().ListenerProcessId;
        Assert.NotNull(listening);
        Assert.NotEqual(killed, listening);
    }

    [Fact]
    public async Task Stopping_the_realtime_services_with_a_token_already_cancelled_never_throws()
    {
        // Its own instance: stopping it would otherwise stop the fixture's.
        var own = new InboxApp();
        await own.InitializeAsync();
        try
        {
            var backplane = own.Services.GetRequiredService<Backplane>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (backplane.ListenerProcessId is null && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.NotNull(backplane.ListenerProcessId); // running, so its stop has work to do
            var cancelled = new CancellationToken(canceled: true);
            foreach (var service in own.Services.GetServices<IHostedService>().Where(s => s.GetType().Namespace == typeof(Backplane).Namespace))
                await service.StopAsync(cancelled);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }
}

public sealed class BackplaneResyncTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task Every_subscriber_on_B_ends_with_every_message_when_Bs_LISTEN_is_cut_while_A_posts()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var agents = new[] { await a.AddUserAsync(admin), await a.AddUserAsync(admin), await a.AddUserAsync(admin) };
        var conversation = await a.ClientFor(admin).StartConversationIdAsync();
        var subscribers = new List<Subscriber>();
        foreach (var agent in agents)
        {
            var socket = await TestSocket.ConnectAsync(b, agent);
            await socket.SendAsync(new { type = "subscribe", conversationId = conversation, @ref = "s" });
            await socket.WaitForAsync("subscribed");
            subscribers.Add(new Subscriber(socket, b.ClientFor(agent), conversation));
        }
        try
        {
            var posted = new List<Guid>();
            var postingDone = false;
            // Reads are never cancelled (that would abort the socket): a reader stops once it has everything, and
            // the fences below wake it up to look again.
            var reading = subscribers.Select(s => Task.Run(() => s.ReadAsync(() => Volatile.Read(ref postingDone) && s.HasAll(posted) && s.Resynced))).ToList();

            const int count = 60;
            for (var i = 0; i < count; i++)
            {
                var id = (await a.ClientFor(admin).PostMessageAsync(conversation, $"message {i}"))["id"]!.GetValue<Guid>();
                lock (posted) posted.Add(id);
                if (i == 10) await Listener.TerminateAsync(b);
                await Task.Delay(20);
            }
            Volatile.Write(ref postingDone, true);

            var all = Task.WhenAll(reading);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!all.IsCompleted && DateTime.UtcNow < deadline)
            {
                foreach (var (subscriber, task) in subscribers.Zip(reading))
                    if (!task.IsCompleted) await subscriber.Socket.SendAsync(new { type = "ping", @ref = "fence" });
                await Task.WhenAny(all, Task.Delay(200));
            }
            await all;

            foreach (var subscriber in subscribers)
            {
                Assert.True(subscriber.Resynced, "a subscriber on B got no resync");
                Assert.Equal(posted.Order(), subscriber.Messages.Order());
            }
        }
        finally
        {
            foreach (var subscriber in subscribers) await subscriber.Socket.DisposeAsync();
        }
    }

    /// <summary>
    /// A client as the contract describes it: takes live messages, and on <c>resync</c> fetches what came after the
    /// newest one it has with <c>GET …/messages?after=</c>, page by page. Messages are kept once each, oldest first.
    /// </summary>
    sealed class Subscriber(TestSocket socket, HttpClient http, Guid conversation)
    {
        readonly List<Guid> _messages = [];
        readonly Lock _gate = new();
        public TestSocket Socket => socket;
        public bool Resynced { get; private set; }

        public List<Guid> Messages
        {
            get { lock (_gate) return [.. _messages]; }
        }

        public bool HasAll(List<Guid> posted)
        {
            List<Guid> expected;
            lock (posted) expected = [.. posted];
            lock (_gate) return expected.All(_messages.Contains);
        }

        void Add(Guid id)
        {
            lock (_gate)
                if (!_messages.Contains(id)) _messages.Add(id);
        }

        public async Task ReadAsync(Func<bool> done)
        {
            while (!done())
            {
                var frame = await socket.ReceiveAsync(TimeSpan.FromSeconds(30));
                switch (frame["type"]!.GetValue<string>())
                {
                    case "message.created":
                        Add(frame["message"]!["id"]!.GetValue<Guid>());
                        break;
                    case "resync":
                        Resynced = true;
                        await CatchUpAsync();
                        break;
                }
            }
        }

        async Task CatchUpAsync()
        {
            Guid? newest;
            lock (_gate) newest = _messages.Count > 0 ? _messages[^1] : null;
            var path = newest is { } after
                ? $"/api/conversations/{conversation}/messages?after={after}&limit=100"
                : $"/api/conversations/{conversation}/messages?limit=100";
            while (true)
            {
                var page = await http.GetJsonAsync(path);
                var items = page["items"]!.AsArray().Select(m => m!["id"]!.GetValue<Guid>()).ToList();
                if (newest is null) items.Reverse(); // the first page without ?after= is newest first
                foreach (var id in items) Add(id);
                if (newest is null || page["nextCursor"]?.GetValue<string>() is not { } cursor) return;
                path = $"/api/conversations/{conversation}/messages?cursor={Uri.EscapeDataString(cursor)}&limit=100";
            }
        }
    }
}
