using System.Diagnostics;
using System.Net.WebSockets;

namespace Inbox.Tests.Features.Realtime;

/// <summary>The service with a low frame rate limit (5 a second, bursts of 25), so a flood is quick to make.</summary>
public sealed class LowFrameRateApp : InboxApp
{
    public const int FramesPerSecond = 5;

    public LowFrameRateApp() => With("Realtime:FramesPerSecond", FramesPerSecond.ToString());
}

public sealed class RateLimitTests(LowFrameRateApp app) : IClassFixture<LowFrameRateApp>
{
    [Fact]
    public async Task A_flood_is_told_rate_limited_at_most_once_a_second_then_closed_with_1008_when_it_keeps_on()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);
        var started = Stopwatch.StartNew();

        var errors = new List<(TimeSpan At, JsonObject Frame)>();
        var pongs = 0;
        var reading = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var frame = await socket.ReceiveAsync(TimeSpan.FromSeconds(40));
                    if (frame["type"]!.GetValue<string>() == "error") lock (errors) errors.Add((started.Elapsed, frame));
                    if (frame["type"]!.GetValue<string>() == "pong") pongs++;
                }
            }
            catch (WebSocketException)
            {
                // Closed by the server: what this test waits for.
            }
        });

        // Well over ten times the limit (50 a second): batches of 20 frames every 10 ms or so, until the server closes.
        var deadline = TimeSpan.FromSeconds(40);
        try
        {
            while (socket.State == WebSocketState.Open && started.Elapsed < deadline)
            {
                for (var i = 0; i < 20; i++) await socket.SendAsync(new { type = "ping", @ref = "flood" });
                await Task.Delay(10);
            }
        }
        catch (WebSocketException)
        {
            // The server closed while a frame was going out.
        }
        await reading.WaitAsync(TimeSpan.FromSeconds(45));
        var elapsed = started.Elapsed;

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.All(errors, e => Assert.Equal("rate_limited", e.Frame["code"]!.GetValue<string>()));
        Assert.NotEmpty(errors);
        // At most one a second: never more errors than whole seconds elapsed, plus the first.
        Assert.True(errors.Count <= (int)Math.Ceiling(elapsed.TotalSeconds) + 1, $"{errors.Count} rate_limited errors in {elapsed}");
        // The burst (5 × the limit) went through before the drops began.
        Assert.True(pongs >= 5 * LowFrameRateApp.FramesPerSecond, $"only {pongs} pongs");
        Snap.MatchJson(errors[0].Frame.ToJsonString());
    }

    [Fact]
    public async Task A_client_within_the_limit_is_never_told_anything()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        // The whole burst at once, then nothing over the limit.
        for (var i = 0; i < 5 * LowFrameRateApp.FramesPerSecond - 1; i++) await socket.SendAsync(new { type = "ping", @ref = $"b{i}" });
        await socket.SendAsync(new { type = "ping", @ref = "last" });
        var frames = new List<JsonObject>();
        while (true)
        {
            var frame = await socket.ReceiveAsync();
            frames.Add(frame);
            if (frame["ref"]?.GetValue<string>() == "last") break;
        }

        Assert.DoesNotContain(frames, f => f["type"]!.GetValue<string>() == "error");
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
