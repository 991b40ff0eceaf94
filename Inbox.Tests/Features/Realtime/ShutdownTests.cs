using System.Net.WebSockets;

namespace Inbox.Tests.Features.Realtime;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_service_closes_every_socket_with_1001()
    {
        var app = new InboxApp();
        await app.InitializeAsync();
        var user = await app.SignUpAsync();
        await using var first = await TestSocket.ConnectAsync(app, user);
        await using var second = await TestSocket.ConnectAsync(app, user);
        var firstClosed = first.WaitForCloseAsync(TimeSpan.FromSeconds(20));
        var secondClosed = second.WaitForCloseAsync(TimeSpan.FromSeconds(20));

        await app.DisposeAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await firstClosed);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await secondClosed);
    }
}
