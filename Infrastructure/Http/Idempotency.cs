using System.Security.Cryptography;
using System.Text;
using Inbox.Infrastructure.Time;
using LinqToDB.Data;
using Npgsql;

namespace Inbox.Infrastructure.Http;

/// <summary>
/// Endpoint metadata that opts a creating POST into <c>Idempotency-Key</c> handling:
/// <c>Options(b =&gt; b.WithMetadata(Idempotent.Marker))</c> in its Configure().
/// </summary>
public sealed class Idempotent
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;
    public static readonly Duration Lifetime = Duration.FromHours(24);
    public static readonly Idempotent Marker = new();

    Idempotent() { }
}

/// <summary>
/// Idempotency keys, scoped to (account, key) and kept for 24 h. The answer is stored in the same transaction as
/// what the request created (the handler's statements run on this request's <see cref="InboxDb"/>, in the
/// transaction this middleware opens), so "created" and "answer stored" can never disagree: whatever happens to
/// the first request (the client leaves, the connection drops, the process dies), a repeat after it ended either
/// finds the stored answer and replays it byte for byte (<c>Idempotent-Replayed: true</c>), or finds nothing and
/// runs anew. "In flight" is a transaction-scoped advisory lock on the key: it lives exactly as long as the first
/// request's transaction, so a dead request can never leave a key stuck. A repeat while it is held answers 409; a
/// repeat with another body, 422. Only a success is committed with the work; a 4xx created nothing and is stored
/// on its own afterwards; a 5xx is not stored, so the client can retry.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IClock clock, ILogger<IdempotencyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) ||
            context.GetEndpoint()?.Metadata.GetMetadata<Idempotent>() is null ||
            !context.Request.Headers.TryGetValue(Idempotent.Header, out var values) ||
            context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (!IsValidKey(key))
        {
            await Problem.WriteAsync(context, StatusCodes.Status400BadRequest, $"{Idempotent.Header} must be 1 to {Idempotent.MaxKeyLength} printable ASCII characters.",
                new Dictionary<string, string[]> { [Idempotent.Header] = ["must be 1 to 255 printable ASCII characters"] });
            return;
        }

        var accountId = context.User.Caller().AccountId;
        var requestHash = await HashRequestAsync(context.Request);
        // The request's own connection: the endpoint is handed this same scoped InboxDb, so its statements join
        // the transaction (InboxDb.BeginOrJoinTransactionAsync) and its events wait for the commit (AfterCommit).
        var db = context.RequestServices.GetRequiredService<InboxDb>();
        await db.BeginTransactionAsync(context.RequestAborted);
        try
        {
            if (!await Data.TryLockAsync(db, accountId, key, context.RequestAborted))
            {
                await Problem.WriteAsync(context, StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still being processed.");
                return;
            }

            var now = clock.NowForDatabase();
            var stored = await Data.FindLiveAsync(db, accountId, key, now - Idempotent.Lifetime, context.RequestAborted);
            if (stored is not null)
            {
                await AnswerFromStoreAsync(context, stored, requestHash);
                return;
            }

            var record = new IdempotencyRecordRow { AccountId = accountId, Key = key, RequestHash = requestHash, CreatedAt = now };
            var answer = await RunBufferedAsync(context, db, record);
            await answer.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        finally
        {
            await RollbackUnlessCommittedAsync(db);
        }
    }

    static async Task AnswerFromStoreAsync(HttpContext context, IdempotencyRecordRow stored, byte[] requestHash)
    {
        if (!CryptographicOperations.FixedTimeEquals(stored.RequestHash, requestHash))
        {
            await Problem.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used with a different request body.");
            return;
        }
        context.Response.StatusCode = stored.StatusCode!.Value;
        context.Response.ContentType = stored.ContentType;
        context.Response.Headers[Idempotent.ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(stored.ResponseBody ?? [], context.RequestAborted);
    }

    /// <summary>
    /// Ends a transaction that did not commit. On a connection that is already gone there is nothing to roll back:
    /// PostgreSQL ended the transaction (and released the key's lock) when the connection died.
    /// </summary>
    static async Task RollbackUnlessCommittedAsync(InboxDb db)
    {
        if (db.Transaction is null) return;
        try
        {
            await db.RollbackTransactionAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await db.CloseAsync();
        }
    }

    /// <summary>
    /// Runs the endpoint with its answer held back, then commits what it wrote together with the answer. Only after
    /// the commit are its events raised and its answer released; if anything fails before, nothing of it happened.
    /// </summary>
    async Task<MemoryStream> RunBufferedAsync(HttpContext context, InboxDb db, IdempotencyRecordRow record)
    {
        var original = context.Response.Body;
        var buffer = new MemoryStream();
        context.Response.Body = buffer;
        var faults = context.RequestServices.GetService<IdempotencyFaults>();
        try
        {
            await next(context);
            record.StatusCode = context.Response.StatusCode;
            record.ContentType = context.Response.ContentType;
            record.ResponseBody = buffer.ToArray();

            if (record.StatusCode < 400)
            {
                await Data.StoreAsync(db, record, CancellationToken.None);
                if (faults?.BeforeCommit is { } beforeCommit) await beforeCommit(db);
                // Past this point the work is done, whether or not the client is still there to hear of it.
                await db.CommitTransactionAsync(CancellationToken.None);
                if (faults?.AfterCommit is { } afterCommit) await afterCommit(db);
                db.RunAfterCommit();
            }
            else
            {
                // A refusal created nothing (and a failed statement may have aborted the transaction): roll back,
                // then keep the answer so a repeat gets the same one. Losing it only means the repeat runs anew.
                db.DiscardAfterCommit();
                await RollbackUnlessCommittedAsync(db);
                if (record.StatusCode < 500) await TryStoreRefusalAsync(db, record);
            }
        }
        catch
        {
            db.DiscardAfterCommit();
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        buffer.Position = 0;
        return buffer;
    }

    async Task TryStoreRefusalAsync(InboxDb db, IdempotencyRecordRow record)
    {
        try
        {
            await Data.StoreRefusalAsync(db, record, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not keep the {Status} answer of an Idempotency-Key; a repeat will run anew: {Reason}", record.StatusCode, e.Message);
        }
    }

    /// <summary>The route and the exact body bytes: the same key on another route or with another body is a mismatch.</summary>
    static async Task<byte[]> HashRequestAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            hash.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }

    static bool IsValidKey(string key) => key.Length is > 0 and <= Idempotent.MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    static class Data
    {
        /// <summary>
        /// The key's in-flight lock: held until this transaction ends, and released by PostgreSQL when the
        /// connection dies, so it can never outlive the request that holds it.
        /// </summary>
        public static async Task<bool> TryLockAsync(InboxDb db, Guid accountId, string key, CancellationToken ct) =>
            await db.ExecuteAsync<bool>(
                "SELECT pg_try_advisory_xact_lock(hashtextextended(@account::text || ':' || @key, 0))", ct,
                new DataParameter("account", accountId, DataType.Guid), new DataParameter("key", key, DataType.Text));

        /// <summary>The stored answer under this key, if it is younger than 24 h. Older ones (and the answerless
        /// claims an earlier version of this middleware wrote) are removed: they no longer hold the key.</summary>
        public static async Task<IdempotencyRecordRow?> FindLiveAsync(InboxDb db, Guid accountId, string key, Instant expiredBefore, CancellationToken ct)
        {
            await db.IdempotencyRecords
                .Where(r => r.AccountId == accountId && r.Key == key && (r.CreatedAt < expiredBefore || r.StatusCode == null))
                .DeleteAsync(ct);
            return await db.IdempotencyRecords.FirstOrDefaultAsync(r => r.AccountId == accountId && r.Key == key, ct);
        }

        public static Task StoreAsync(InboxDb db, IdempotencyRecordRow record, CancellationToken ct) =>
            db.InsertAsync(record, token: ct);

        /// <summary>Outside any transaction; a record that a concurrent repeat stored first wins.</summary>
        public static Task StoreRefusalAsync(InboxDb db, IdempotencyRecordRow record, CancellationToken ct) =>
            db.ExecuteAsync(
                """
                INSERT INTO idempotency_records (account_id, key, request_hash, status_code, content_type, response_body, created_at)
                VALUES (@account, @key, @hash, @status, @contentType, @body, @now)
                ON CONFLICT (account_id, key) DO NOTHING
                """, ct,
                new DataParameter("account", record.AccountId, DataType.Guid), new DataParameter("key", record.Key, DataType.Text),
                new DataParameter("hash", record.RequestHash), new DataParameter("status", record.StatusCode),
                new DataParameter("contentType", record.ContentType, DataType.Text), new DataParameter("body", record.ResponseBody),
                new DataParameter("now", record.CreatedAt));
    }
}

/// <summary>
/// Fault hooks for tests: registered only by a test host, they run on the request's connection just before and
/// just after the commit of an idempotent request, so a test can cut that connection at the worst moment.
/// </summary>
public sealed class IdempotencyFaults
{
    public Func<InboxDb, Task>? BeforeCommit { get; init; }
    public Func<InboxDb, Task>? AfterCommit { get; init; }
}

/// <summary>Deletes idempotency records past their 24 h, hourly.</summary>
public sealed class IdempotencyCleanup(InboxDatabase database, DatabaseReadiness readiness, IClock clock, DatabaseOutage outage, ILogger<IdempotencyCleanup> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                if (readiness.Migrated) await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outage.LogFailure(logger, e, $"Idempotency cleanup failed; retrying in {Interval}");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var cutoff = clock.GetCurrentInstant() - Idempotent.Lifetime;
        await using var db = database.Open();
        return await db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff).DeleteAsync(ct);
    }
}
