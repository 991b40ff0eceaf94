using System.Net.WebSockets;
using Inbox.Features.Realtime;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;

namespace Inbox.Tests.Features.Realtime;

/// <summary>The service with a strict origin list.</summary>
public class RealtimeApp : InboxApp
{
    public const string AllowedOrigin = "https://inbox.example";

    public RealtimeApp() => With("Realtime:AllowedOrigins:0", AllowedOrigin);

    public void RunSweep() => Services.GetRequiredService<RealtimeSweeper>().RunOnce();
}

/// <summary>
/// The same with a clock the tests move by hand. Access tokens are checked against real time, so a test resets the
/// clock to now before it signs anyone in, and only moves it forward afterwards.
/// </summary>
public sealed class ClockedRealtimeApp : RealtimeApp
{
    public ClockedRealtimeApp() => Clock = new FakeClock(SystemClock.Instance.GetCurrentInstant());

    public FakeClock ResetClock()
    {
        Clock!.Reset(SystemClock.Instance.GetCurrentInstant());
        return Clock;
    }
}

public sealed class ConnectionTests(RealtimeApp app) : IClassFixture<RealtimeApp>
{
    [Fact]
    public async Task The_first_frame_is_hello()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectRawAsync(app, user, RealtimeApp.AllowedOrigin);

        Snap.MatchJson(await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task Ping_answers_pong_echoing_the_ref()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendAsync(new { type = "ping", @ref = "r-1" });

        Snap.MatchJson((await socket.WaitForAsync("pong")).ToJsonString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task A_missing_or_bad_token_is_refused_with_401(string? token)
    {
        var (socket, status) = await TestSocket.TryConnectAsync(app, token);

        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [MemberData(nameof(Inbox.Tests.Features.Auth.Tests.ForgedTokens), MemberType = typeof(Inbox.Tests.Features.Auth.Tests))]
    public async Task Forged_expired_and_unsigned_tokens_are_refused_with_401(string token)
    {
        var (socket, status) = await TestSocket.TryConnectAsync(app, token);

        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_client_that_can_set_headers_may_send_the_token_as_a_bearer_header()
    {
        var user = await app.SignUpAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {user.AccessToken}");

        await socket.ConnectAsync(new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task An_origin_outside_the_allow_list_is_refused_with_403()
    {
        var user = await app.SignUpAsync();

        var (socket, status) = await TestSocket.TryConnectAsync(app, user.AccessToken, "https://evil.example");

        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Bad_json_and_unknown_types_answer_error_and_keep_the_connection()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendRawAsync("{not json");
        Snap.MatchJson((await socket.WaitForAsync("error")).ToJsonString(), "bad-json");
        await socket.SendAsync(new { type = "dance", @ref = "r-2" });
        Snap.MatchJson((await socket.WaitForAsync("error")).ToJsonString(), "unknown-type");
        await socket.SendRawAsync("[1,2,3]");
        await socket.WaitForAsync("error");
        await socket.SendAsync(new { type = "subscribe", conversationId = "not-a-uuid", @ref = "r-3" });
        Assert.Equal("r-3", (await socket.WaitForAsync("error"))["ref"]!.GetValue<string>());

        await socket.SendAsync(new { type = "ping", @ref = "still-here" });
        Assert.Equal("still-here", (await socket.WaitForAsync("pong"))["ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_frame_over_16_KiB_closes_with_1009()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendRawAsync("{\"type\":\"ping\",\"ref\":\"" + new string('x', 17 * 1024) + "\"}");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await socket.WaitForCloseAsync());
    }

    [Fact]
    public async Task Logging_out_closes_that_sessions_sockets_with_1008()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await app.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken });

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.WaitForCloseAsync());
        var (again, status) = await TestSocket.TryConnectAsync(app, user.AccessToken);
        Assert.Null(again);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_reused_refresh_token_revokes_the_family_and_closes_its_sockets_with_1008()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);
        var client = app.Client();
        await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });

        await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken }); // stolen copy replayed

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.WaitForCloseAsync());
    }

    [Fact]
    public async Task Presence_goes_online_away_and_offline_on_disconnect()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin, name: "Nora Petit");
        await using var watcher = await TestSocket.ConnectAsync(app, admin);

        var agentSocket = await TestSocket.ConnectAsync(app, agent);
        var online = await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);
        await agentSocket.SendAsync(new { type = "presence", status = "away" });
        var away = await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);
        var listed = await app.ClientFor(admin).GetFromJsonAsync<JsonArray>("/api/presence");
        await agentSocket.DisposeAsync();
        var offline = await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);

        Assert.Equal("online", online["status"]!.GetValue<string>());
        Snap.MatchJson(away.ToJsonString(), "away");
        Assert.Equal("away", listed!.Single(u => u!["userId"]!.GetValue<Guid>() == agent.Id)!["status"]!.GetValue<string>());
        Assert.Equal("offline", offline["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_storm_of_sockets_opening_at_once_is_announced_online_within_each_account_only()
    {
        var first = await StormAccountAsync();
        var second = await StormAccountAsync();
        // Already connected and busy: a second tab opening in the storm must not reset that to online.
        var busy = first.Agents[0];
        await using var busyTab = await TestSocket.ConnectAsync(app, busy);
        await busyTab.SendAsync(new { type = "presence", status = "busy" });
        await first.Watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == busy.Id && f["status"]!.GetValue<string>() == "busy");

        var sockets = await Task.WhenAll(first.Agents.Concat(second.Agents).Select(agent => TestSocket.ConnectAsync(app, agent)));
        try
        {
            foreach (var (watcher, agents, others) in new[] { (first.Watcher, first.Agents, second.Agents), (second.Watcher, second.Agents, first.Agents) })
            {
                var expected = agents.Select(a => a.Id).ToHashSet();
                var foreign = others.Select(a => a.Id).ToHashSet();
                var heard = new Dictionary<Guid, string>();
                while (!expected.IsSubsetOf(heard.Keys))
                {
                    var frame = await watcher.ReceiveAsync();
                    if (frame["type"]!.GetValue<string>() != "presence") continue;
                    var userId = frame["userId"]!.GetValue<Guid>();
                    Assert.DoesNotContain(userId, foreign);
                    heard[userId] = frame["status"]!.GetValue<string>();
                }
                var listed = await app.ClientFor(agents[^1]).GetFromJsonAsync<JsonArray>("/api/presence");
                foreach (var agent in agents)
                {
                    var status = agent.Id == busy.Id ? "busy" : "online";
                    Assert.Equal(status, heard[agent.Id]);
                    Assert.Equal(status, listed!.Single(u => u!["userId"]!.GetValue<Guid>() == agent.Id)!["status"]!.GetValue<string>());
                }
                Assert.DoesNotContain(listed!, u => foreign.Contains(u!["userId"]!.GetValue<Guid>()));
            }
        }
        finally
        {
            foreach (var socket in sockets) await socket.DisposeAsync();
            await first.Watcher.DisposeAsync();
            await second.Watcher.DisposeAsync();
        }
    }

    async Task<(TestSocket Watcher, TestUser[] Agents)> StormAccountAsync()
    {
        var admin = await app.SignUpAsync();
        var agents = new TestUser[15];
        for (var i = 0; i < agents.Length; i++) agents[i] = await app.AddUserAsync(admin);
        return (await TestSocket.ConnectAsync(app, admin), agents);
    }

    [Fact]
    public async Task Presence_lists_every_user_of_the_account_only()
    {
        var admin = await app.SignUpAsync(name: "Zoé Bernard");
        await using var socket = await TestSocket.ConnectAsync(app, admin);
        await socket.WaitForAsync("presence"); // broadcast once the shared presence tables have the socket

        await Snap.MatchAsync(await app.ClientFor(admin).GetAsync("/api/presence"));
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner => ("/api/presence", owner.Id));
    }
}

public sealed class SweepTests(ClockedRealtimeApp app) : IClassFixture<ClockedRealtimeApp>
{
    [Fact]
    public async Task A_connection_silent_for_two_heartbeats_is_dropped_and_its_user_goes_offline()
    {
        var clock = app.ResetClock();
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        await using var watcher = await TestSocket.ConnectAsync(app, admin);
        await using var silent = await TestSocket.ConnectAsync(app, agent);
        await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);

        // The watcher stays alive by pinging; the other says nothing while a minute passes.
        clock.Advance(Duration.FromSeconds(59));
        await watcher.SendAsync(new { type = "ping" });
        await watcher.WaitForAsync("pong");
        clock.Advance(Duration.FromSeconds(2));
        app.RunSweep();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await silent.WaitForCloseAsync());
        var offline = await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);
        Assert.Equal("offline", offline["status"]!.GetValue<string>());
    }
}

public sealed class CrashedInstanceTests(RealtimeApp app) : IClassFixture<RealtimeApp>
{
    [Fact]
    public async Task Users_of_an_instance_that_stopped_refreshing_go_offline()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        await using var watcher = await TestSocket.ConnectAsync(app, admin);
        // The agent's socket lived on an instance that crashed two minutes ago: its row was never refreshed since.
        await using (var connection = new Npgsql.NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO presence_connections (instance_id, user_id, account_id, connections, refreshed_at) VALUES (gen_random_uuid(), @user, @account, 1, now() - interval '2 minutes')",
                connection);
            insert.Parameters.AddWithValue("user", agent.Id);
            insert.Parameters.AddWithValue("account", admin.AccountId);
            await insert.ExecuteNonQueryAsync();
        }

        await app.Services.GetRequiredService<PresenceWriter>().RefreshOnceAsync(CancellationToken.None);

        var offline = await watcher.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == agent.Id);
        Assert.Equal("offline", offline["status"]!.GetValue<string>());
        var listed = await app.ClientFor(admin).GetFromJsonAsync<JsonArray>("/api/presence");
        Assert.Equal("offline", listed!.Single(u => u!["userId"]!.GetValue<Guid>() == agent.Id)!["status"]!.GetValue<string>());
    }
}
