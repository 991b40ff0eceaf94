using System.Net.WebSockets;
using System.Text;
using Inbox.Tests.Features.Conversations;

namespace Inbox.Tests.Features.Realtime;

/// <summary>
/// The service with the frame rate limit lifted (as a benchmark of the relay would) and a long typing relay
/// interval, so a test can send thousands of frames and count relayed typing exactly, without timing.
/// </summary>
public sealed class LiftedLimitsApp : InboxApp
{
    public LiftedLimitsApp()
    {
        With("Realtime:FramesPerSecond", "1000000");
        With("Realtime:TypingRelayInterval", "00:01:00");
    }
}

public sealed class RobustnessTests(LiftedLimitsApp app) : IClassFixture<LiftedLimitsApp>
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Reads frames until the pong answering <paramref name="fence"/>, returning every frame before it.</summary>
    static async Task<List<JsonObject>> ReadUntilPongAsync(TestSocket socket, string fence)
    {
        var frames = new List<JsonObject>();
        while (true)
        {
            var frame = await socket.ReceiveAsync(Wait);
            if (frame["type"]!.GetValue<string>() == "pong" && frame["ref"]?.GetValue<string>() == fence) return frames;
            frames.Add(frame);
        }
    }

    [Theory]
    [InlineData("""{"type":"ping","ref":"\ud800"}""", null)]
    [InlineData("""{"type":"ping","ref":"\udc00x"}""", null)]
    [InlineData("""{"type":"ping","ref":"a\ud83d"}""", null)]
    [InlineData("""{"ref":"r1","type":"\ud800"}""", "r1")]
    [InlineData("""{"ref":"r2","\ud800":1,"type":"ping","x":"\ud800"}""", "r2")]
    [InlineData("""{"ref":"r3","type":"typing","conversationId":"00000000-0000-7000-8000-000000000000","state":"\ud800"}""", "r3")]
    [InlineData("""{"ref":"r4","type":"presence","status":"\udfff"}""", "r4")]
    [InlineData("""{"type":"ping","ref":5}""", null)]
    [InlineData("""{"type":"ping","ref":{"a":1}}""", null)]
    [InlineData("""{"type":5,"ref":"r5"}""", "r5")]
    [InlineData("""{"type":null,"ref":"r6"}""", "r6")]
    [InlineData("""{"type":["ping"],"ref":"r7"}""", "r7")]
    [InlineData("""{"type":"subscribe","ref":"r8","conversationId":null}""", "r8")]
    [InlineData("""{"type":"subscribe","ref":"r9","conversationId":{"id":"x"}}""", "r9")]
    [InlineData("""{"type":"subscribe","ref":"r10","conversationId":12345678901234567890123456789}""", "r10")]
    [InlineData("""{"type":"read","ref":"r11","conversationId":"00000000-0000-7000-8000-000000000000","messageId":[]}""", "r11")]
    [InlineData("""{"type":"typing","ref":"r12","conversationId":"00000000-0000-7000-8000-000000000000","state":true}""", "r12")]
    [InlineData("""{"type":"presence","ref":"r13","status":null}""", "r13")]
    [InlineData("""{"type":"presence","ref":"r14","status":"asleep"}""", "r14")]
    [InlineData("""{"ref":"r15"}""", "r15")]
    [InlineData("""{"ref":"r16","type":"ping","deep":[[[[[[[[[[1]]]]]]]]]]}""", "r16")]
    [InlineData("""{"ref":"r17","type":"ping"} {}""", "r17")]
    [InlineData("""null""", null)]
    [InlineData("""1e999999""", null)]
    public async Task A_frame_with_invalid_content_answers_error_and_keeps_the_connection(string frame, string? echoedRef)
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendRawAsync(frame);
        var error = await socket.WaitForAsync("error");
        await socket.SendAsync(new { type = "ping", @ref = "still-here" });
        var pong = await socket.WaitForAsync("pong");

        Assert.Equal("bad_frame", error["code"]!.GetValue<string>());
        Assert.Equal(echoedRef, error["ref"]?.GetValue<string>());
        Assert.Equal("still-here", pong["ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_text_frame_that_is_not_UTF8_is_closed_as_RFC_6455_requires()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);

        await socket.SendTextBytesAsync([.. "{\"type\":\"ping\",\"ref\":\""u8, 0xFF, 0xFE, .. "\"}"u8]);

        // The WebSocket layer sends its 1007 and drops the connection at once; under load the client may see the
        // drop before it reads the close frame, so a missing status is accepted, any other is not.
        var status = await socket.WaitForCloseAsync();
        Assert.True(status is null or WebSocketCloseStatus.InvalidPayloadData, $"closed with {status}");
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task A_long_ref_is_cut_without_splitting_a_surrogate_pair()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);
        var reference = new string('a', 99) + "😀😀";

        await socket.SendAsync(new { type = "ping", @ref = reference });
        // The pong's own text (the check is on its escaping), skipping the presence frames a new connection may get first.
        string text;
        do text = await socket.ReceiveTextAsync();
        while (JsonNode.Parse(text)!["type"]!.GetValue<string>() != "pong");

        Assert.DoesNotContain("\\uD83D\"", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new string('a', 99), JsonNode.Parse(text)!["ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_that_pipelines_1000_pings_and_reads_its_answers_is_never_closed()
    {
        var user = await app.SignUpAsync();
        await using var socket = await TestSocket.ConnectAsync(app, user);
        const int count = 1000;

        var reading = Task.Run(async () =>
        {
            var pongs = 0;
            while (pongs < count)
                if ((await socket.ReceiveAsync(Wait))["type"]!.GetValue<string>() == "pong") pongs++;
            return pongs;
        });
        for (var i = 0; i < count; i++) await socket.SendAsync(new { type = "ping", @ref = $"p{i}" });

        Assert.Equal(count, await reading);
        await socket.SendAsync(new { type = "ping", @ref = "after" });
        Assert.Equal("after", (await socket.WaitForAsync("pong"))["ref"]!.GetValue<string>());
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task A_typing_flood_is_relayed_once_per_interval_and_its_stops_once()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        await using var typist = await TestSocket.ConnectAsync(app, agent);
        await using var reader = await TestSocket.ConnectAsync(app, admin);
        foreach (var socket in new[] { typist, reader })
        {
            await socket.SendAsync(new { type = "subscribe", conversationId = conversation, @ref = "s" });
            await socket.WaitForAsync("subscribed");
        }

        // Relays are queued to the reader while the typist's frame is handled, so once the typist's fence is
        // answered, a fence on the reader comes after every relay of the flood.
        async Task<List<string>> FloodAsync(string state, int count)
        {
            for (var i = 0; i < count; i++) await typist.SendAsync(new { type = "typing", conversationId = conversation, state });
            await typist.SendAsync(new { type = "ping", @ref = $"typist-{state}-{count}" });
            await typist.WaitForAsync("pong", f => f["ref"]?.GetValue<string>() == $"typist-{state}-{count}");
            await reader.SendAsync(new { type = "ping", @ref = $"reader-{state}-{count}" });
            var frames = await ReadUntilPongAsync(reader, $"reader-{state}-{count}");
            return frames.Where(f => f["type"]!.GetValue<string>() == "typing").Select(f => f["state"]!.GetValue<string>()).ToList();
        }

        Assert.Equal(["start"], await FloodAsync("start", 300));
        Assert.Equal(["stop"], await FloodAsync("stop", 50));
        // Stopped within the interval: a new start waits for the interval to pass, so a start/stop flood cannot get through either.
        Assert.Empty(await FloodAsync("start", 50));
        Assert.Empty(await FloodAsync("stop", 5));
    }

    /// <summary>One generated frame, with what its answer must be.</summary>
    sealed record FuzzFrame(string Text, string? MustFailWithRef = null, string? MustPongWithRef = null);

    [Fact]
    public async Task Thousands_of_generated_frames_never_close_the_connection_and_a_well_behaved_socket_keeps_receiving()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin);
        var conversation = await app.ClientFor(admin).StartConversationIdAsync();
        await using var fuzzed = await TestSocket.ConnectAsync(app, agent);
        await using var bystander = await TestSocket.ConnectAsync(app, admin);
        foreach (var socket in new[] { fuzzed, bystander })
        {
            await socket.SendAsync(new { type = "subscribe", conversationId = conversation, @ref = "s" });
            await socket.WaitForAsync("subscribed");
        }
        var frames = Generate(new Random(20261201), 3000, conversation);

        var posted = new List<Guid>();
        const int postedCount = 4; // three while the frames go out, one after
        var bystanderGot = new HashSet<Guid>();
        var bystanderLoop = Task.Run(async () =>
        {
            // Presence, typing and viewing frames of the fuzzed socket come too; only the messages are counted.
            while (bystanderGot.Count < postedCount)
            {
                var frame = await bystander.ReceiveAsync(Wait);
                if (frame["type"]!.GetValue<string>() == "message.created") bystanderGot.Add(frame["message"]!["id"]!.GetValue<Guid>());
            }
        });
        var answers = Task.Run(() => ReadUntilPongAsync(fuzzed, "fuzz-end"));

        for (var i = 0; i < frames.Count; i++)
        {
            await fuzzed.SendRawAsync(frames[i].Text);
            if (i % 1000 == 500) posted.Add((await app.ClientFor(admin).PostMessageAsync(conversation, $"pendant {i}"))["id"]!.GetValue<Guid>());
        }
        await fuzzed.SendAsync(new { type = "ping", @ref = "fuzz-end" });
        var received = await answers;
        posted.Add((await app.ClientFor(admin).PostMessageAsync(conversation, "après"))["id"]!.GetValue<Guid>());
        await fuzzed.WaitForAsync("message.created", f => f["message"]!["id"]!.GetValue<Guid>() == posted[^1]);
        await bystanderLoop.WaitAsync(Wait);

        var errorRefs = received.Where(f => f["type"]!.GetValue<string>() == "error" && f["ref"] is not null).Select(f => f["ref"]!.GetValue<string>()).ToHashSet();
        var pongRefs = received.Where(f => f["type"]!.GetValue<string>() == "pong" && f["ref"] is not null).Select(f => f["ref"]!.GetValue<string>()).ToHashSet();
        var mustFail = frames.Where(f => f.MustFailWithRef is not null).ToList();
        var mustPong = frames.Where(f => f.MustPongWithRef is not null).ToList();
        Assert.True(mustFail.Count > 1000, $"the generator made only {mustFail.Count} failing frames with a ref");
        var unanswered = mustFail.Where(f => !errorRefs.Contains(f.MustFailWithRef!)).Select(f => f.Text).Take(10).ToList();
        Assert.True(unanswered.Count == 0, $"failing frames without their error:\n{string.Join("\n", unanswered)}");
        var unponged = mustPong.Where(f => !pongRefs.Contains(f.MustPongWithRef!)).Select(f => f.Text).Take(10).ToList();
        Assert.True(unponged.Count == 0, $"pings without their pong:\n{string.Join("\n", unponged)}");
        Assert.DoesNotContain(received, f => f["type"]!.GetValue<string>() == "error" && f["code"]!.GetValue<string>() is "internal" or "rate_limited");
        Assert.Equal(WebSocketState.Open, fuzzed.State);
        Assert.Equal(WebSocketState.Open, bystander.State);
        Assert.Equal(postedCount, posted.Count);
        Assert.Equal(posted.ToHashSet(), bystanderGot);
    }

    /// <summary>
    /// Garbage, truncated and non-object JSON, wrong types at every level, nulls, escaped lone surrogates, huge and
    /// out-of-range numbers, deep nesting, unknown types, and valid frames in between. Every failing frame carries a
    /// fresh valid <c>ref</c> where one can be read before the fault, so its error can be found.
    /// </summary>
    static List<FuzzFrame> Generate(Random random, int count, Guid conversation)
    {
        string[] wrongValues = ["123", "-1e308", "1e999999", "123456789012345678901234567890", "true", "false", "[]", "{}", """{"a":[1,{"b":null}]}""", """[{"x":["\ud800"]}]""", "0.000000000000000000001"];
        string[] fields = ["type", "conversationId", "messageId", "state", "status"];
        string[] types = ["subscribe", "unsubscribe", "typing", "presence", "view", "read", "ping"];
        string[] loneSurrogates = [@"\ud800", @"\udbff", @"\udc00", @"\udfff", @"a\ud83d", @"\ude00b"];
        var frames = new List<FuzzFrame>(count);
        for (var i = 0; i < count; i++)
        {
            var r = $"f{i}";
            var valid = $$"""{"type":"ping","ref":"{{r}}"}""";
            var pick = random.Next(12);
            frames.Add(pick switch
            {
                // Not JSON: a valid frame cut short, random printable bytes, stray brackets.
                0 => new FuzzFrame(valid[..random.Next(1, valid.Length - 1)]),
                1 => new FuzzFrame(new string(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (char)random.Next(32, 127)).ToArray())),
                // A known field of the wrong type (a null where only a string will do counts).
                2 or 3 => WrongType(random, r, fields[random.Next(fields.Length)], random.Next(4) == 0 ? "null" : wrongValues[random.Next(wrongValues.Length)], types, conversation),
                // An escaped lone surrogate in the ref (no ref to echo), the type, a field name, or only in the value of
                // an unknown field (skipped unread, so harmless).
                4 => random.Next(4) switch
                {
                    0 => new FuzzFrame($$"""{"type":"ping","ref":"{{loneSurrogates[random.Next(loneSurrogates.Length)]}}"}"""),
                    1 => new FuzzFrame($$"""{"ref":"{{r}}","type":"{{loneSurrogates[random.Next(loneSurrogates.Length)]}}"}""", MustFailWithRef: r),
                    2 => new FuzzFrame($$"""{"ref":"{{r}}","type":"ping","{{loneSurrogates[random.Next(loneSurrogates.Length)]}}":1}""", MustFailWithRef: r),
                    _ => new FuzzFrame($$"""{"ref":"{{r}}","type":"ping","x":"{{loneSurrogates[random.Next(loneSurrogates.Length)]}}"}""", MustPongWithRef: r),
                },
                // Huge numbers and deep values in unknown fields: skipped, the ping is answered.
                5 => new FuzzFrame($$"""{"ref":"{{r}}","type":"ping","n":{{wrongValues[random.Next(4)]}},"o":{"a":[1,[2,[3]]]} }""", MustPongWithRef: r),
                // Nesting deeper than frames may be.
                6 => new FuzzFrame($$"""{"ref":"{{r}}","type":"ping","x":{{new string('[', 12)}}1{{new string(']', 12)}} }""", MustFailWithRef: r),
                7 => new FuzzFrame($$"""{"ref":"{{r}}","type":"dance-{{random.Next(100)}}"}""", MustFailWithRef: r),
                8 => new FuzzFrame(random.Next(4) switch { 0 => "null", 1 => "[1,2]", 2 => "\"ping\"", _ => "42" }),
                9 => new FuzzFrame($$"""{"ref":"{{r}}"}""", MustFailWithRef: r),
                // Valid frames, some with unusual but valid refs (escaped pairs, NUL, quotes).
                10 => random.Next(4) switch
                {
                    0 => new FuzzFrame($$"""{"type":"ping","ref":"{{r}}\ud83d\ude00\u0000\""}""", MustPongWithRef: $"{r}😀\0\""),
                    1 => new FuzzFrame($$"""{"type":"typing","conversationId":"{{conversation}}","state":"{{(random.Next(2) == 0 ? "start" : "stop")}}"}"""),
                    2 => new FuzzFrame($$"""{"type":"presence","status":"{{new[] { "online", "away", "busy" }[random.Next(3)]}}"}"""),
                    _ => new FuzzFrame($$"""{"type":"subscribe","conversationId":"{{conversation}}","ref":"{{r}}"}"""),
                },
                _ => new FuzzFrame(valid, MustPongWithRef: r),
            });
        }
        return frames;
    }

    static FuzzFrame WrongType(Random random, string r, string field, string value, string[] types, Guid conversation)
    {
        var type = field == "type" ? value : $"\"{types[random.Next(types.Length)]}\"";
        var body = new StringBuilder($$"""{"ref":"{{r}}","type":{{type}}""");
        if (field != "type") body.Append($$""","{{field}}":{{value}}""");
        // The other id field valid, so only the wrong one is at fault.
        if (field != "conversationId") body.Append($$""","conversationId":"{{conversation}}" """.TrimEnd());
        body.Append('}');
        // A null conversationId is a valid view (of nothing) and means nothing to a ping; a null messageId is a read of the latest.
        var harmless = value == "null" && (field == "messageId" || (field == "conversationId" && type is "\"view\"" or "\"ping\""));
        return new FuzzFrame(body.ToString(), MustFailWithRef: harmless ? null : r);
    }
}
