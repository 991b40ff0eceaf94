using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Inbox.Tests.Infrastructure;

/// <summary>A real WebSocket client (<see cref="ClientWebSocket"/>) on the test service, reading frames as JSON.</summary>
public sealed class TestSocket : IAsyncDisposable
{
    static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    readonly ClientWebSocket _socket;

    TestSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<TestSocket> ConnectAsync(InboxApp app, TestUser user, string? origin = null)
    {
        var (socket, status) = await TryConnectAsync(app, user.AccessToken, origin);
        Assert.True(socket is not null, $"the upgrade was refused with {status}");
        var connection = new TestSocket(socket);
        Assert.Equal("hello", (await connection.ReceiveAsync())["type"]!.GetValue<string>());
        return connection;
    }

    /// <summary>Attempts the upgrade; on refusal answers the HTTP status the server gave.</summary>
    public static async Task<(ClientWebSocket? Socket, HttpStatusCode Status)> TryConnectAsync(InboxApp app, string? accessToken, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        var uri = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = "/ws", Query = accessToken is null ? "" : $"access_token={Uri.EscapeDataString(accessToken)}" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            return (socket, socket.HttpStatusCode);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }
    }

    /// <summary>Connects without reading <c>hello</c>, for the test that looks at it.</summary>
    public static async Task<TestSocket> ConnectRawAsync(InboxApp app, TestUser user, string? origin = null)
    {
        var (socket, status) = await TryConnectAsync(app, user.AccessToken, origin);
        Assert.True(socket is not null, $"the upgrade was refused with {status}");
        return new TestSocket(socket);
    }

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame));

    public Task SendRawAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends raw bytes as one text frame, valid UTF-8 or not.</summary>
    public Task SendTextBytesAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends one text fragment; with <paramref name="endOfMessage"/> false the message stays open.</summary>
    public Task SendFragmentAsync(string text, bool endOfMessage) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage, CancellationToken.None);

    /// <summary>The next frame as raw JSON text; fails the test when none comes in time.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        var chunk = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(chunk, timeout.Token);
            message.Write(chunk, 0, result.Count);
        } while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException($"closed by the server: {result.CloseStatus} {result.CloseStatusDescription}");
        return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
    }

    public async Task<JsonObject> ReceiveAsync(TimeSpan? wait = null) => JsonNode.Parse(await ReceiveTextAsync(wait))!.AsObject();

    /// <summary>Reads frames until one of <paramref name="type"/> arrives (skipping others, e.g. presence chatter).</summary>
    public async Task<JsonObject> WaitForAsync(string type, Func<JsonObject, bool>? where = null, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"no '{type}' frame arrived in time");
            var frame = await ReceiveAsync(left);
            if (frame["type"]!.GetValue<string>() == type && (where is null || where(frame))) return frame;
        }
    }

    /// <summary>Asserts that no frame of <paramref name="type"/> arrives within <paramref name="wait"/> (a ping round trip bounds it).</summary>
    public async Task AssertNoFrameAsync(string type, TimeSpan wait)
    {
        await SendAsync(new { type = "ping", @ref = "fence" });
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var frame = await ReceiveAsync(deadline - DateTime.UtcNow);
            Assert.NotEqual(type, frame["type"]!.GetValue<string>());
            if (frame["type"]!.GetValue<string>() == "pong" && frame["ref"]?.GetValue<string>() == "fence") return;
        }
    }

    /// <summary>Waits for the server to close, answering with the close status it sent.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close) return result.CloseStatus;
            }
        }
        catch (WebSocketException)
        {
            return _socket.CloseStatus;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token); } catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
    }
}
