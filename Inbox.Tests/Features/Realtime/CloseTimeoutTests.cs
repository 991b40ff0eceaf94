using System.Net.Sockets;
using System.Text;
using Inbox.Features.Realtime;

namespace Inbox.Tests.Features.Realtime;

/// <summary>
/// A client that stops reading cannot hold a connection the server closes: the send loop gets the close timeout
/// (2 s) to send what is queued and the close frame, then the socket is aborted, as ASP.NET Core's own WebSocket
/// transport does. Without that bound the send waits on the client's full TCP window until TCP gives up, which for
/// a peer that is alive but does not read is never (or, at shutdown, until the host's own timeout cuts it).
/// </summary>
public sealed class CloseTimeoutTests(InboxApp app) : IClassFixture<InboxApp>
{
    /// <summary>Well above the 2 s close timeout, and below the host's 15 s shutdown timeout.</summary>
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_client_that_stopped_reading_cannot_hold_a_connection_its_logout_closes()
    {
        var user = await app.SignUpAsync();
        var registry = app.Service<ConnectionRegistry>();
        using var client = await StopReadingAsync(app, registry, user);

        await app.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken });

        Assert.True(await UntilAsync(() => registry.LocalConnectionsOf(user.Id) == 0), $"the connection was still open {Bound} after its session ended");
    }

    [Fact]
    public async Task A_client_that_stopped_reading_cannot_hold_up_a_shutdown()
    {
        // Its own instance: stopping it would otherwise stop the fixture's.
        var own = new InboxApp();
        await own.InitializeAsync();
        Task? stopping = null;
        TcpClient? client = null;
        try
        {
            var user = await own.SignUpAsync();
            var registry = own.Service<ConnectionRegistry>();
            client = await StopReadingAsync(own, registry, user);

            stopping = own.DisposeAsync().AsTask();

            Assert.True(await UntilAsync(() => registry.LocalConnectionsOf(user.Id) == 0), $"the connection was still open {Bound} into the shutdown");
        }
        finally
        {
            await (stopping ?? own.DisposeAsync().AsTask()).WaitAsync(TimeSpan.FromSeconds(60));
            client?.Dispose();
        }
    }

    /// <summary>
    /// Opens a socket that reads nothing after the upgrade (not even <c>hello</c>), then broadcasts to it far more than
    /// its small TCP window and the server's socket buffers hold, yet less than its send queue, so it is not closed as
    /// a slow consumer: its send loop is left waiting on a send that cannot complete.
    /// </summary>
    static async Task<TcpClient> StopReadingAsync(InboxApp app, ConnectionRegistry registry, TestUser user)
    {
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        await RawWebSocket.UpgradeAsync(client.GetStream(), user.AccessToken);
        Assert.True(await UntilAsync(() => registry.LocalConnectionsOf(user.Id) == 1), "the connection never joined");

        // 100 frames of 128 KiB: 12.5 MiB, against a few MiB of buffers, and under the default queue of 256.
        var frame = Encoding.UTF8.GetBytes($$"""{"type":"test.flood","pad":"{{new string('x', 128 * 1024)}}"}""");
        for (var i = 0; i < 100; i++) registry.Broadcast(Target.User(user.AccountId, user.Id), frame);

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, registry.LocalConnectionsOf(user.Id)); // stuck in a send, not closed as a slow consumer
        return client;
    }

    static async Task<bool> UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }
}
