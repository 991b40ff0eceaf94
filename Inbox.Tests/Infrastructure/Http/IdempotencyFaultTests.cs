using System.Collections.Concurrent;
using System.Net.Sockets;
using Inbox.Infrastructure.Database;
using Inbox.Infrastructure.Http;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace Inbox.Tests.Infrastructure.Http;

/// <summary>
/// The service with the idempotency middleware's fault hooks armed by the test: each hook runs on the request's
/// own connection right before or right after its commit, and does whatever the test put in it.
/// </summary>
public sealed class FaultyIdempotencyApp : InboxApp
{
    public Func<InboxDb, Task>? BeforeCommit { get; set; }
    public Func<InboxDb, Task>? AfterCommit { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton(new IdempotencyFaults
        {
            BeforeCommit = db => BeforeCommit?.Invoke(db) ?? Task.CompletedTask,
            AfterCommit = db => AfterCommit?.Invoke(db) ?? Task.CompletedTask,
        }));
    }

    /// <summary>Cuts the request's connection from the server side, as a pooler restart or a failover does.</summary>
    public async Task TerminateAsync(InboxDb db)
    {
        var pid = await db.ExecuteAsync<int>("SELECT pg_backend_pid()");
        await using var side = new NpgsqlConnection(ConnectionString);
        await side.OpenAsync();
        await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", side);
        terminate.Parameters.AddWithValue("pid", pid);
        await terminate.ExecuteScalarAsync();
    }
}

public sealed class IdempotencyFaultTests(FaultyIdempotencyApp app) : IClassFixture<FaultyIdempotencyApp>, IDisposable
{
    static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(30);

    public void Dispose()
    {
        app.BeforeCommit = null;
        app.AfterCommit = null;
        // Connections cut by a test stay in the pool until used; the next test should not start by meeting them.
        app.Service<InboxDatabase>().DataSource.Clear();
    }

    static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    async Task<(TestUser Admin, HttpClient Client, Guid ConversationId)> ConversationAsync()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var started = await client.PostAsJsonAsync("/api/conversations", new { contact = new { name = "Ada" } });
        started.EnsureSuccessStatusCode();
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        return (admin, client, id);
    }

    /// <summary>Counted on a connection of the test's own: the service's pool may still hold connections that were cut.</summary>
    async Task<long> CountAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(sql, connection);
        count.Parameters.AddWithValue("id", id);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    Task<long> MessagesInAsync(Guid conversationId) => CountAsync("SELECT count(*) FROM messages WHERE conversation_id = @id", conversationId);

    /// <summary>
    /// What a careful client does: send, and on anything but a final answer (a 503, a 409 while the first attempt
    /// still runs, a broken connection) send the same request again under the same key, until an answer comes.
    /// </summary>
    static async Task<HttpResponseMessage> RetryUntilAnsweredAsync(HttpClient client, Func<HttpRequestMessage> request)
    {
        var deadline = DateTime.UtcNow + RetryFor;
        while (true)
        {
            try
            {
                var response = await client.SendAsync(request());
                if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict)) return response;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "no final answer within the retry window");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_connection_cut_before_the_commit_creates_nothing_and_the_retry_creates_it_once()
    {
        var (_, client, conversationId) = await ConversationAsync();
        var cuts = 0;
        app.BeforeCommit = async db =>
        {
            if (Interlocked.Increment(ref cuts) == 1) await app.TerminateAsync(db);
        };
        var path = $"/api/conversations/{conversationId}/messages";

        var first = await client.SendAsync(Post(path, new { body = "hello" }, "cut-before"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.True(first.Headers.RetryAfter is not null, "a 503 for an unreachable database carries Retry-After");
        Assert.Equal(0L, await MessagesInAsync(conversationId));

        var retry = await RetryUntilAnsweredAsync(client, () => Post(path, new { body = "hello" }, "cut-before"));
        var again = await client.SendAsync(Post(path, new { body = "hello" }, "cut-before"));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await retry.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(1L, await MessagesInAsync(conversationId));
    }

    [Fact]
    public async Task A_connection_cut_after_the_commit_still_answers_and_the_retry_replays()
    {
        var (_, client, conversationId) = await ConversationAsync();
        var cuts = 0;
        app.AfterCommit = async db =>
        {
            if (Interlocked.Increment(ref cuts) == 1) await app.TerminateAsync(db);
        };
        var path = $"/api/conversations/{conversationId}/messages";

        var first = await client.SendAsync(Post(path, new { body = "hello" }, "cut-after"));
        // The pool may hand the retry the connection that was cut (a 503, safe to retry): retry as a client would.
        var retry = await RetryUntilAnsweredAsync(client, () => Post(path, new { body = "hello" }, "cut-after"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(1L, await MessagesInAsync(conversationId));
    }

    [Fact]
    public async Task Writers_retrying_through_connections_cut_every_200_ms_create_each_message_exactly_once()
    {
        var (_, client, conversationId) = await ConversationAsync();
        var path = $"/api/conversations/{conversationId}/messages";
        using var stop = new CancellationTokenSource();
        var chaos = TerminateServiceConnectionsAsync(TimeSpan.FromMilliseconds(200), stop.Token);
        var answers = new ConcurrentDictionary<string, string>();

        // 8 writers, each posting its own keys one after the other while the connections keep being cut.
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; n < 6; n++)
            {
                var key = $"w{writer}-m{n}";
                var response = await RetryUntilAnsweredAsync(client, () => Post(path, new { body = $"message {key}" }, key));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                answers[key] = await response.Content.ReadAsStringAsync();
                await Task.Delay(Random.Shared.Next(0, 60));
            }
        })).ToList();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        var cutsMade = await chaos;

        Assert.True(cutsMade > 0, "the chaos loop cut no connection");
        Assert.Equal(48L, await MessagesInAsync(conversationId));
        // A retry after the end replays the same answer for every key: nothing stuck, nothing created twice.
        foreach (var (key, body) in answers)
        {
            var replay = await RetryUntilAnsweredAsync(client, () => Post(path, new { body = $"message {key}" }, key));
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(body, await replay.Content.ReadAsStringAsync());
        }
        Assert.Equal(48L, await MessagesInAsync(conversationId));
    }

    /// <summary>Every <paramref name="every"/>, terminates every connection of the service's database but its own.</summary>
    async Task<int> TerminateServiceConnectionsAsync(TimeSpan every, CancellationToken ct)
    {
        var cut = 0;
        await using var side = new NpgsqlConnection(app.ConnectionString);
        await side.OpenAsync(CancellationToken.None);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using var terminate = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", side);
                cut += (int)(await terminate.ExecuteScalarAsync(CancellationToken.None))!;
                await Task.Delay(every, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return cut;
    }

    [Theory]
    [InlineData("/api/conversations")]
    [InlineData("/api/tickets")]
    public async Task A_client_that_disconnects_right_after_sending_and_retries_creates_one_row_per_key(string path)
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        object body = path == "/api/tickets" ? new { title = "Pump leaks" } : new { contact = new { name = "Ada" } };
        const int keys = 20;

        for (var n = 0; n < keys; n++)
        {
            var key = $"abort-{n}";
            // The first attempt is abandoned 2-10 ms after it is sent, wherever the server is with it.
            using (var abandon = new CancellationTokenSource(TimeSpan.FromMilliseconds(2 + n % 9)))
            {
                try
                {
                    await client.SendAsync(Post(path, body, key), abandon.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
                {
                }
            }
            var answer = await RetryUntilAnsweredAsync(client, () => Post(path, body, key));
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        }

        var table = path == "/api/tickets" ? "tickets" : "conversations";
        Assert.Equal(keys, await CountAsync($"SELECT count(*) FROM {table} WHERE account_id = @id", admin.AccountId));
    }
}

/// <summary>
/// The service on a PostgreSQL server of its own, which the tests crash and start again (a shared server cannot be
/// stopped under the other test classes).
/// </summary>
public sealed class CrashingDatabaseApp : InboxApp
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"inbox-crash-{Guid.NewGuid():N}");

    public EmbeddedPostgres Postgres { get; private set; } = null!;
    public Func<Task>? BeforeCommit { get; set; }

    public override async Task InitializeAsync()
    {
        Postgres = EmbeddedPostgres.Start(_directory, NullLogger.Instance, new Dictionary<string, string> { ["fsync"] = "off" });
        With("DATABASE_URL", Postgres.ConnectionString());
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
        builder.ConfigureServices(services => services.AddSingleton(new IdempotencyFaults
        {
            BeforeCommit = _ => BeforeCommit?.Invoke() ?? Task.CompletedTask,
        }));
    }

    /// <summary>Everything the service logged so far.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => Services.GetFakeLogCollector().GetSnapshot();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Postgres.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class IdempotencyCrashTests(CrashingDatabaseApp app) : IClassFixture<CrashingDatabaseApp>
{
    [Fact]
    public async Task A_request_cut_by_a_database_crash_leaves_its_key_free_once_the_database_is_back()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var crashed = 0;
        // PostgreSQL dies while the request is between its work and its commit.
        app.BeforeCommit = () =>
        {
            if (Interlocked.Increment(ref crashed) == 1) app.Postgres.Crash();
            return Task.CompletedTask;
        };
        var request = () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/machines") { Content = JsonContent.Create(new { name = "Press 4" }) };
            message.Headers.Add("Idempotency-Key", "crash-key");
            return message;
        };

        var first = await client.SendAsync(request()).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.NotNull(first.Headers.RetryAfter);

        app.Postgres.Restart();
        HttpResponseMessage retry;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            retry = await client.SendAsync(request());
            // Right after the restart the pool may still hand out connections the crash broke: those are 503s.
            // A 409 would mean the dead request still held the key.
            Assert.NotEqual(HttpStatusCode.Conflict, retry.StatusCode);
            if (retry.StatusCode == HttpStatusCode.ServiceUnavailable) await Task.Delay(100);
        } while (retry.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        await using var db = app.Service<InboxDatabase>().Open();
        Assert.Equal(1, await db.Machines.CountAsync(m => m.AccountId == admin.AccountId));

        // What the operator reads: when it went away and when it came back, and each 503 as one warning line.
        var logDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!app.Logs.Any(r => r.Message.StartsWith("The database is reachable again", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < logDeadline, "the log never said the database was back");
            await Task.Delay(50);
        }
        Assert.Contains(app.Logs, r => r.Level == LogLevel.Warning && r.Message.StartsWith("The database is unreachable", StringComparison.Ordinal));
        var answers = app.Logs.Where(r => r.Category == "Inbox.Errors").ToList();
        Assert.NotEmpty(answers);
        Assert.All(answers, r => Assert.True(r.Level == LogLevel.Warning && r.Exception is null, $"{r.Level} {r.Message}"));
        Assert.DoesNotContain(app.Logs, r => r.Category is not null && r.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
    }
}

public sealed class HangingDatabaseTests(CrashingDatabaseApp app) : IClassFixture<CrashingDatabaseApp>
{
    /// <summary>Freezes every process of the server (SIGSTOP), as a hung VM or a stalled disk would.</summary>
    static void Signal(EmbeddedPostgres server, string signal)
    {
        var postmaster = File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First().Trim();
        // Children first, then the postmaster, so that no new backend is forked in between.
        Run("pkill", $"-{signal} -P {postmaster}");
        Run("kill", $"-{signal} {postmaster}");
    }

    static void Run(string file, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(file, arguments);
        process.WaitForExit();
    }

    [Fact]
    public async Task A_frozen_database_gets_a_503_with_retry_after_instead_of_a_hang()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        (await client.PostAsJsonAsync("/api/machines", new { name = "Lathe" })).EnsureSuccessStatusCode();

        Signal(app.Postgres, "STOP");
        try
        {
            // Bounds for the fault, not speed measurements: with Npgsql's defaults these waited 15 to 30 s. The
            // service answers in about 2.5 s; the margin is for a test process whose thread pool is busy with the
            // rest of the suite.
            var ready = await client.GetAsync("/ready").WaitAsync(TimeSpan.FromSeconds(12));
            var post = await client.PostAsJsonAsync("/api/machines", new { name = "Press" }).WaitAsync(TimeSpan.FromSeconds(12));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.NotNull(ready.Headers.RetryAfter);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            Assert.NotNull(post.Headers.RetryAfter);
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            Signal(app.Postgres, "CONT");
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpResponseMessage after;
        do
        {
            after = await client.PostAsJsonAsync("/api/machines", new { name = "Drill" });
            if (after.StatusCode == HttpStatusCode.ServiceUnavailable) await Task.Delay(100);
        } while (after.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }
}
