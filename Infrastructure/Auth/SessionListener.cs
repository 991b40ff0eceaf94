using Npgsql;

namespace Inbox.Infrastructure.Auth;

/// <summary>
/// Keeps <see cref="SessionRevocations"/> current on this instance: LISTENs on
/// <see cref="SessionRevocations.Channel"/> over a dedicated connection of its own (not pooled, not shared with
/// the realtime backplane, so neither can starve or cut the other), and after every (re)connect reloads from the
/// database every session revoked within one token lifetime.
/// <para>
/// Order matters: LISTEN first, then the reload. A revocation committed after LISTEN is notified; one committed
/// before is in the reload; one in between is both, which is harmless. Notifications sent while the connection
/// was down are lost (PostgreSQL keeps none for a listener that is gone), which is why the reload exists and why
/// the set is marked unsynced, and checks go to the database, from the moment the connection fails.
/// </para>
/// <para>
/// A connection can also die silently (a NAT or a failover that sends no reset): when nothing arrives for
/// <see cref="IdleProbe"/>, a <c>SELECT 1</c> with a short timeout proves the connection is still there, so such
/// a loss is noticed within a few seconds rather than at the next TCP timeout.
/// </para>
/// </summary>
public sealed class SessionListener(
    InboxDatabase database,
    DatabaseReadiness readiness,
    SessionRevocations revocations,
    IClock clock,
    ILogger<SessionListener> logger)
    : BackgroundService
{
    static readonly TimeSpan IdleProbe = TimeSpan.FromSeconds(2);
    const int ProbeTimeoutSeconds = 2;
    const int ConnectTimeoutSeconds = 5;
    // Fast first retries: a pooler restart or a cut connection is usually back within a fraction of a second.
    static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);
    static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(10);

    volatile int _processId;

    /// <summary>The server process id of the LISTEN connection, 0 while there is none (tests cut it with pg_terminate_backend).</summary>
    public int ProcessId => _processId;

    /// <summary>Test hook: awaited before each reconnect, so a test can hold the listener down while it revokes elsewhere.</summary>
    internal Func<CancellationToken, Task>? BeforeReconnect { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The reload reads the sessions table: wait for the migrator (which says itself when the database is away).
        // Meanwhile the set is unsynced, so checks go to the database.
        try
        {
            while (!readiness.Migrated)
                await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var retry = FirstRetry;
        var down = false;
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!first && BeforeReconnect is { } hold) await hold(stoppingToken);
                first = false;
                await ListenAsync(() =>
                {
                    if (down) logger.LogInformation("Session revocations: LISTEN connection is back and revocations are reloaded");
                    down = false;
                    retry = FirstRetry;
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                revocations.Unsynced();
                _processId = 0;
                // One line per outage, not one per retry: the retries repeat every few seconds for as long as it lasts.
                if (!down)
                    logger.LogWarning("Session revocations: LISTEN connection lost or unavailable ({Reason}); sessions are checked in the database per request until it is back",
                        e.GetBaseException().Message);
                else
                    logger.LogDebug(e, "Session revocations: reconnect failed");
                down = true;
            }

            try
            {
                await Task.Delay(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
        }
        revocations.Unsynced();
        _processId = 0;
    }

    async Task ListenAsync(Action synced, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ListenConnectionString());
        connection.Notification += (_, e) =>
        {
            if (Guid.TryParse(e.Payload, out var sessionId)) revocations.Learn(sessionId, clock.GetCurrentInstant());
        };
        await connection.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {SessionRevocations.Channel}", connection))
            await listen.ExecuteNonQueryAsync(ct);
        _processId = connection.ProcessID;

        await ReloadAsync(ct);
        synced();

        while (true)
        {
            if (await connection.WaitAsync(IdleProbe, ct)) continue;
            revocations.Prune();
            await using var probe = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = ProbeTimeoutSeconds };
            await probe.ExecuteScalarAsync(ct);
        }
    }

    /// <summary>Everything revoked within the retention, from the source of truth; then memory alone decides again.</summary>
    async Task ReloadAsync(CancellationToken ct)
    {
        // Bounded: a database that accepts the connection but hangs must not keep the listener from retrying.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReloadTimeout);
        var since = clock.GetCurrentInstant() - revocations.Retention;
        await using var db = database.Open();
        revocations.Loaded(await RevocationData.RevokedSinceAsync(db, since, timeout.Token));
    }

    /// <summary>The service's database with its own short timeouts, unpooled, named so an operator can see it in pg_stat_activity.</summary>
    string ListenConnectionString() => new NpgsqlConnectionStringBuilder(database.ConnectionString)
    {
        Pooling = false,
        ApplicationName = "inbox session revocations",
        Timeout = ConnectTimeoutSeconds,
        CommandTimeout = ProbeTimeoutSeconds,
    }.ConnectionString;

    /// <summary>Never throws past the host, and never holds its shutdown for longer than <see cref="StopTimeout"/>.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken).WaitAsync(StopTimeout, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Session revocations: listener did not stop cleanly");
        }
    }
}
