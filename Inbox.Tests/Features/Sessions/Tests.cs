using System.Diagnostics;
using System.Net.WebSockets;
using Inbox.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace Inbox.Tests.Features.Sessions;

public static class SessionChecks
{
    /// <summary>The contract's bound: a revocation takes effect on every instance within this.</summary>
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    public static SessionRevocations Revocations(this InboxApp app) => app.Services.GetRequiredService<SessionRevocations>();

    public static Guid SessionOf(string accessToken) => Guid.Parse(new JsonWebToken(accessToken).GetClaim("sid").Value);

    /// <summary>Polls <c>GET /api/me</c> until it answers 401, failing once <paramref name="deadline"/> has passed.</summary>
    public static async Task AssertRefusedWithinAsync(InboxApp app, string accessToken, Stopwatch since, TimeSpan deadline)
    {
        var client = app.ClientFor(Token(accessToken));
        while (true)
        {
            var status = (await client.GetAsync("/api/me")).StatusCode;
            if (status == HttpStatusCode.Unauthorized) return;
            Assert.True(since.Elapsed < deadline, $"GET /api/me still answered {(int)status} {since.Elapsed.TotalMilliseconds:F0} ms after the revocation");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the server to close the socket, within what is left of <paramref name="deadline"/>.</summary>
    public static async Task AssertClosedWithPolicyViolationAsync(TestSocket socket, Stopwatch since, TimeSpan deadline)
    {
        var left = deadline - since.Elapsed;
        WebSocketCloseStatus? status;
        try
        {
            status = await socket.WaitForCloseAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
        }
        catch (OperationCanceledException)
        {
            status = null;
        }
        Assert.True(status == WebSocketCloseStatus.PolicyViolation,
            $"the socket was not closed with 1008 within {deadline.TotalMilliseconds:F0} ms (close status: {status?.ToString() ?? "still open"})");
    }

    public static async Task AssertHandshakeRefusedAsync(InboxApp app, string accessToken)
    {
        var (socket, status) = await TestSocket.TryConnectAsync(app, accessToken);
        socket?.Dispose();
        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    /// <summary>A check answered from the instance's memory: it is loaded and knows the session has ended.</summary>
    public static async Task AssertKnownRevokedAsync(InboxApp app, string accessToken)
    {
        var revocations = app.Revocations();
        Assert.True(revocations.IsSynced);
        Assert.False(await revocations.IsLiveAsync(SessionOf(accessToken), CancellationToken.None));
    }

    public static TestUser Token(string accessToken) => new(Guid.Empty, Guid.Empty, "", "", "", "", accessToken, "");

    public static async Task<string> RefreshAsync(this InboxApp app, string refreshToken, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await app.Client().PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"refresh answered {(int)response.StatusCode}, not {(int)expected}: {body}");
        return body;
    }
}

/// <summary>
/// Sessions end at once, everywhere (API.md v2): logout, refresh-token reuse, deactivation and (beyond the contract)
/// an admin's demotion on one instance refuse the session's access tokens and close its sockets with 1008 on the
/// other, within 1 s.
/// </summary>
public sealed class Tests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    const int Bound = 60_000;

    [Fact(Timeout = Bound)]
    public async Task Logout_on_one_instance_ends_the_session_on_the_other_at_once()
    {
        var (a, b) = (instances.A, instances.B);
        var user = await a.SignUpAsync();
        var otherSession = await a.LoginAsync(user.Email);
        await using var socketOnB = await TestSocket.ConnectAsync(b, user);
        await using var otherSocketOnB = await TestSocket.ConnectAsync(b, otherSession);

        var logout = await a.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken });
        var since = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await Task.WhenAll(
            SessionChecks.AssertClosedWithPolicyViolationAsync(socketOnB, since, SessionChecks.Within),
            SessionChecks.AssertRefusedWithinAsync(b, user.AccessToken, since, SessionChecks.Within));
        await SessionChecks.AssertHandshakeRefusedAsync(b, user.AccessToken);
        await SessionChecks.AssertKnownRevokedAsync(b, user.AccessToken);
        // Only that session: the user's other sign-in goes on, socket included.
        Assert.Equal(HttpStatusCode.OK, (await b.ClientFor(otherSession).GetAsync("/api/me")).StatusCode);
        await otherSocketOnB.SendAsync(new { type = "ping", @ref = "still-here" });
        Assert.Equal("pong", (await otherSocketOnB.WaitForAsync("pong"))["type"]!.GetValue<string>());
    }

    [Fact(Timeout = Bound)]
    public async Task Reusing_a_spent_refresh_token_on_one_instance_ends_the_session_on_the_other()
    {
        var (a, b) = (instances.A, instances.B);
        var user = await a.SignUpAsync();
        var rotated = JsonNode.Parse(await a.RefreshAsync(user.RefreshToken))!;
        var current = user with { AccessToken = rotated["accessToken"]!.GetValue<string>(), RefreshToken = rotated["refreshToken"]!.GetValue<string>() };
        await using var socketOnB = await TestSocket.ConnectAsync(b, current);

        await a.RefreshAsync(user.RefreshToken, HttpStatusCode.Unauthorized); // the spent one, replayed
        var since = Stopwatch.StartNew();

        await Task.WhenAll(
            SessionChecks.AssertClosedWithPolicyViolationAsync(socketOnB, since, SessionChecks.Within),
            SessionChecks.AssertRefusedWithinAsync(b, current.AccessToken, since, SessionChecks.Within),
            SessionChecks.AssertRefusedWithinAsync(b, user.AccessToken, since, SessionChecks.Within));
        await SessionChecks.AssertHandshakeRefusedAsync(b, current.AccessToken);
        await SessionChecks.AssertKnownRevokedAsync(b, current.AccessToken);
        await a.RefreshAsync(current.RefreshToken, HttpStatusCode.Unauthorized);
    }

    [Fact(Timeout = Bound)]
    public async Task Deactivating_a_user_on_one_instance_ends_all_their_sessions_on_the_other()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var agent = await a.AddUserAsync(admin);
        var agentElsewhere = await b.LoginAsync(agent.Email);
        var key = await a.AddApiKeyAsync(admin);
        await using var socketOnB = await TestSocket.ConnectAsync(b, agent);
        await using var otherSocketOnB = await TestSocket.ConnectAsync(b, agentElsewhere);

        var deactivate = await a.ClientFor(admin).PatchAsJsonAsync($"/api/users/{agent.Id}", new { active = false });
        var since = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        await Task.WhenAll(
            SessionChecks.AssertClosedWithPolicyViolationAsync(socketOnB, since, SessionChecks.Within),
            SessionChecks.AssertClosedWithPolicyViolationAsync(otherSocketOnB, since, SessionChecks.Within),
            SessionChecks.AssertRefusedWithinAsync(b, agent.AccessToken, since, SessionChecks.Within),
            SessionChecks.AssertRefusedWithinAsync(b, agentElsewhere.AccessToken, since, SessionChecks.Within));
        await SessionChecks.AssertHandshakeRefusedAsync(b, agent.AccessToken);
        await SessionChecks.AssertKnownRevokedAsync(b, agentElsewhere.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.ClientFor(agent).GetAsync("/api/me")).StatusCode);
        await b.RefreshAsync(agentElsewhere.RefreshToken, HttpStatusCode.Unauthorized);
        // API keys belong to the account, not to the user: unaffected.
        var ticket = await b.ClientFor(key).PostAsJsonAsync("/api/tickets", new { title = "Still open to integrations" });
        Assert.Equal(HttpStatusCode.Created, ticket.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.ClientFor(admin).GetAsync("/api/me")).StatusCode);
    }

    [Fact(Timeout = Bound)]
    public async Task Demoting_an_admin_on_one_instance_ends_their_admin_sessions_on_the_other()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var colleague = await a.AddUserAsync(admin, role: "admin");
        await using var socketOnB = await TestSocket.ConnectAsync(b, colleague);
        Assert.Equal(HttpStatusCode.OK, (await b.ClientFor(colleague).GetAsync("/api/api-keys")).StatusCode);

        var demote = await a.ClientFor(admin).PatchAsJsonAsync($"/api/users/{colleague.Id}", new { role = "agent" });
        var since = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        // The token still says "admin" for up to 15 minutes: it must stop now, not then.
        await Task.WhenAll(
            SessionChecks.AssertClosedWithPolicyViolationAsync(socketOnB, since, SessionChecks.Within),
            SessionChecks.AssertRefusedWithinAsync(b, colleague.AccessToken, since, SessionChecks.Within));
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.ClientFor(colleague).GetAsync("/api/api-keys")).StatusCode);
        await b.RefreshAsync(colleague.RefreshToken, HttpStatusCode.Unauthorized);
        // Signed in again, they are an agent: the admin routes answer 403.
        var again = await b.LoginAsync(colleague.Email);
        Assert.Equal(HttpStatusCode.Forbidden, (await b.ClientFor(again).GetAsync("/api/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.ClientFor(admin).GetAsync("/api/me")).StatusCode);
    }

    [Fact(Timeout = Bound)]
    public async Task A_promoted_agent_keeps_their_session_and_is_an_admin_from_their_next_refresh()
    {
        var (a, b) = (instances.A, instances.B);
        var admin = await a.SignUpAsync();
        var agent = await a.AddUserAsync(admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await b.ClientFor(agent).GetAsync("/api/api-keys")).StatusCode);

        var promote = await a.ClientFor(admin).PatchAsJsonAsync($"/api/users/{agent.Id}", new { role = "admin" });

        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.ClientFor(agent).GetAsync("/api/me")).StatusCode);
        var refreshed = JsonNode.Parse(await b.RefreshAsync(agent.RefreshToken))!;
        var asAdmin = agent with { AccessToken = refreshed["accessToken"]!.GetValue<string>() };
        Assert.Equal(HttpStatusCode.OK, (await b.ClientFor(asAdmin).GetAsync("/api/api-keys")).StatusCode);
    }

    [Fact(Timeout = Bound)]
    public async Task An_instance_started_after_a_revocation_refuses_the_token_from_its_first_load()
    {
        var a = instances.A;
        var user = await a.SignUpAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await a.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);

        await using var c = new InboxApp().With("DATABASE_URL", a.ConnectionString);
        await c.InitializeAsync();
        await TwoInstances.WaitSessionsSyncedAsync(c);

        await SessionChecks.AssertKnownRevokedAsync(c, user.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.ClientFor(user).GetAsync("/api/me")).StatusCode);
        await SessionChecks.AssertHandshakeRefusedAsync(c, user.AccessToken);
    }

    [Fact(Timeout = Bound)]
    public async Task An_instance_whose_listen_connection_was_cut_catches_up_when_it_reconnects()
    {
        var (a, b) = (instances.A, instances.B);
        var user = await a.SignUpAsync();
        await using var socketOnB = await TestSocket.ConnectAsync(b, user);
        var listener = b.Services.GetRequiredService<SessionListener>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.BeforeReconnect = ct => release.Task.WaitAsync(ct);
        try
        {
            // Cut B's LISTEN connection the way a pooler restart or a failover does, and keep it down.
            var pid = listener.ProcessId;
            Assert.NotEqual(0, pid);
            await using (var side = new NpgsqlConnection(a.ConnectionString))
            {
                await side.OpenAsync();
                await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", side);
                terminate.Parameters.AddWithValue("pid", pid);
                Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
            }
            var down = Stopwatch.StartNew();
            while (b.Revocations().IsSynced)
            {
                Assert.True(down.Elapsed < TimeSpan.FromSeconds(10), "B never noticed that its LISTEN connection was cut");
                await Task.Delay(10);
            }

            // Revoked on A while B hears nothing: B's memory does not know, so it asks the database.
            Assert.Equal(HttpStatusCode.NoContent, (await a.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await b.ClientFor(user).GetAsync("/api/me")).StatusCode);
            await SessionChecks.AssertHandshakeRefusedAsync(b, user.AccessToken);

            // Back: the reload finds the revocation it missed, and closes the session's socket.
            release.SetResult();
            var since = Stopwatch.StartNew();
            await SessionChecks.AssertClosedWithPolicyViolationAsync(socketOnB, since, SessionChecks.Within);
            await TwoInstances.WaitSessionsSyncedAsync(b);
            await SessionChecks.AssertKnownRevokedAsync(b, user.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await b.ClientFor(user).GetAsync("/api/me")).StatusCode);
            Assert.NotEqual(pid, listener.ProcessId);
        }
        finally
        {
            listener.BeforeReconnect = null;
            release.TrySetResult();
        }
    }
}
