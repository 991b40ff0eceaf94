namespace Inbox.Tests.Features.Operations;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Health_and_ready_answer_when_the_database_is_up()
    {
        var client = app.Client();

        await Snap.MatchAsync(await client.GetAsync("/health"), "health");
        await Snap.MatchAsync(await client.GetAsync("/ready"), "ready");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await Snap.MatchAsync(await app.Client().GetAsync("/api/does-not-exist"));
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_problem()
    {
        var body = new string('x', 2 * 1024 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = new StringContent($"{{\"email\":\"{body}\"}}", System.Text.Encoding.UTF8, "application/json"),
        };
        // The server refuses by the Content-Length and closes the connection: a client still writing the 2 MiB then
        // fails with a broken pipe before it reads the answer. Expect: 100-continue lets it read the 413 first, as
        // a well-behaved client would (the malformed-input sweep sends its oversized bodies the same way).
        request.Headers.ExpectContinue = true;
        var response = await app.Client().SendAsync(request);

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task A_chunked_body_over_one_mebibyte_is_a_413_problem_too()
    {
        // Over a plain socket: the server answers as soon as the size limit is passed and stops reading, so a client
        // still writing the rest fails with a broken pipe (an HttpClient then never shows the answer). This one
        // writes until the server stops taking the body, then reads what the server answered.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Ascii($"POST /api/auth/login HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\n" +
                                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        try
        {
            // Valid JSON as far as it goes, so the parser keeps reading until the size limit stops it.
            await stream.WriteAsync(Chunk("{\"email\":\""));
            var piece = Chunk(new string('x', 64 * 1024));
            for (var i = 0; i < 32; i++) await stream.WriteAsync(piece);
            await stream.WriteAsync(Chunk("\"}"));
            await stream.WriteAsync(Ascii("0\r\n\r\n"));
        }
        catch (IOException)
        {
            // The server stopped reading once it had refused the body: what it answered is read below.
        }

        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 413 ", head);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
    }

    static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    static byte[] Chunk(string data) => Ascii($"{data.Length:x}\r\n{data}\r\n");

    /// <summary>The status line and headers of the answer, up to the blank line (bounded in time).</summary>
    static async Task<string> ReadHeadAsync(System.Net.Sockets.NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = System.Text.Encoding.ASCII.GetString(received.ToArray());
            if (text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0) return text[..end];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, $"the connection closed before a whole answer: {text}");
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }
}

/// <summary>The service pointed at a server that does not answer.</summary>
public sealed class UnreachableDatabaseApp : InboxApp
{
    public UnreachableDatabaseApp() => With("DATABASE_URL", "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2");
}

public sealed class UnreachableDatabaseTests(UnreachableDatabaseApp app) : IClassFixture<UnreachableDatabaseApp>
{
    [Fact]
    public async Task Health_is_up_and_ready_is_a_503_problem_without_a_stack_trace()
    {
        var client = app.Client();

        var health = await client.GetAsync("/health");
        var ready = await client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await Snap.MatchAsync(ready);
    }

    [Fact]
    public async Task A_route_that_needs_the_database_answers_503_not_500()
    {
        var response = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = "a@example.com", password = "whatever-password" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
    }
}
