using System.Security.Cryptography;
using System.Text;
using Inbox.Infrastructure.Time;
using LinqToDB.Data;

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
/// Idempotency keys, scoped to (account, key) and stored in PostgreSQL for 24 h. The first request claims the key
/// with an INSERT that the primary key decides, so of any number of concurrent duplicates exactly one runs; the
/// others get 409 while it is in flight, and afterwards its stored status and body byte for byte (with
/// <c>Idempotent-Replayed: true</c>), or 422 when their body differs. A 5xx answer is not stored: the key is
/// released so the client can retry.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, InboxDatabase database, IClock clock, ILogger<IdempotencyMiddleware> logger)
{
    enum Claim { Claimed, InFlight, Mismatch, Replay }

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
        var (claim, stored) = await ClaimAsync(accountId, key, requestHash, context.RequestAborted);
        switch (claim)
        {
            case Claim.InFlight:
                await Problem.WriteAsync(context, StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still being processed.");
                return;
            case Claim.Mismatch:
                await Problem.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used with a different request body.");
                return;
            case Claim.Replay:
                context.Response.StatusCode = stored!.StatusCode!.Value;
                context.Response.ContentType = stored.ContentType;
                context.Response.Headers[Idempotent.ReplayedHeader] = "true";
                await context.Response.Body.WriteAsync(stored.ResponseBody ?? [], context.RequestAborted);
                return;
        }

        await RunAndStoreAsync(context, accountId, key);
    }

    async Task RunAndStoreAsync(HttpContext context, Guid accountId, string key)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        var stored = false;
        try
        {
            await next(context);
            if (context.Response.StatusCode < 500)
            {
                await using var db = database.Open();
                await db.IdempotencyRecords
                    .Where(r => r.AccountId == accountId && r.Key == key)
                    .Set(r => r.StatusCode, context.Response.StatusCode)
                    .Set(r => r.ContentType, context.Response.ContentType)
                    .Set(r => r.ResponseBody, buffer.ToArray())
                    .UpdateAsync(CancellationToken.None);
                stored = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            if (!stored) await ReleaseAsync(accountId, key);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    async Task<(Claim, IdempotencyRecordRow?)> ClaimAsync(Guid accountId, string key, byte[] requestHash, CancellationToken ct)
    {
        await using var db = database.Open();
        var now = clock.NowForDatabase();
        var expiredBefore = now - Idempotent.Lifetime;
        // An expired record no longer holds its key.
        await db.IdempotencyRecords.Where(r => r.AccountId == accountId && r.Key == key && r.CreatedAt < expiredBefore).DeleteAsync(ct);

        var inserted = await db.ExecuteAsync(
            """
            INSERT INTO idempotency_records (account_id, key, request_hash, created_at)
            VALUES (@account, @key, @hash, @now)
            ON CONFLICT (account_id, key) DO NOTHING
            """, ct,
            new DataParameter("account", accountId), new DataParameter("key", key),
            new DataParameter("hash", requestHash), new DataParameter("now", now));
        if (inserted == 1) return (Claim.Claimed, null);

        var existing = await db.IdempotencyRecords.FirstOrDefaultAsync(r => r.AccountId == accountId && r.Key == key, ct);
        if (existing is null) return (Claim.InFlight, null); // released by a failing first request an instant ago: let the client retry
        if (!CryptographicOperations.FixedTimeEquals(existing.RequestHash, requestHash)) return (Claim.Mismatch, existing);
        return existing.StatusCode is null ? (Claim.InFlight, existing) : (Claim.Replay, existing);
    }

    async Task ReleaseAsync(Guid accountId, string key)
    {
        try
        {
            await using var db = database.Open();
            await db.IdempotencyRecords.Where(r => r.AccountId == accountId && r.Key == key && r.StatusCode == null).DeleteAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release Idempotency-Key after a failed request; it expires in 24 h");
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
}

/// <summary>Deletes idempotency records past their 24 h, hourly.</summary>
public sealed class IdempotencyCleanup(InboxDatabase database, DatabaseReadiness readiness, IClock clock, ILogger<IdempotencyCleanup> logger) : BackgroundService
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
                logger.LogWarning(e, "Idempotency cleanup failed; retrying in {Interval}", Interval);
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
