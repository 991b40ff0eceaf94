using Npgsql;

namespace Inbox.Infrastructure.Database;

/// <summary>
/// Tells the operator when the database went away and when it came back, in two lines, instead of one stack trace
/// per failed request. The first failure that a request reports (<see cref="Report"/>) logs "unreachable" and
/// starts a probe that runs <c>SELECT 1</c> every second until the database answers, then logs "reachable again"
/// with how long it was gone. Only transient failures (connection refused or lost, timeouts) count.
/// </summary>
public sealed class DatabaseOutage(InboxDatabase database, IClock clock, ILogger<DatabaseOutage> logger)
{
    static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>What a 503 tells clients in <c>Retry-After</c>: about when the probe will next have looked.</summary>
    public const int RetryAfterSeconds = 2;

    int _down;

    public bool IsDown => Volatile.Read(ref _down) == 1;

    /// <summary>Whether <paramref name="e"/> means the database cannot be reached right now (a 503, not a bug).</summary>
    public static bool IsUnreachable(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        // A server shutting down, starting up, or refusing connections while it recovers.
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        TimeoutException => true,
        _ => e.InnerException is { } inner && IsUnreachable(inner),
    };

    /// <summary>
    /// How background work logs a failed run: while the database is away that is expected, so one warning line
    /// (and the outage is reported, so its start and end are logged once); anything else is a bug, logged as an
    /// error with its stack trace. <paramref name="what"/> says what failed, e.g. "Overdue sweep failed".
    /// </summary>
    public void LogFailure(ILogger log, Exception e, string what)
    {
        if (IsUnreachable(e))
        {
            log.LogWarning("{What}: the database is unreachable ({Reason})", what, e.GetBaseException().Message);
            Report(e);
        }
        else
        {
            log.LogError(e, "{What}", what);
        }
    }

    public void Report(Exception e)
    {
        if (Interlocked.Exchange(ref _down, 1) == 1) return;
        logger.LogWarning("The database is unreachable ({Reason}); requests that need it answer 503 until it is back", e.GetBaseException().Message);
        // What cut this connection (a restart, a failover) most likely cut the idle ones in the pool too, and Npgsql
        // finds that out only when each is next used, failing one more request per connection. Drop them now.
        database.DataSource.Clear();
        _ = ProbeUntilBackAsync(clock.GetCurrentInstant());
    }

    async Task ProbeUntilBackAsync(Instant since)
    {
        while (true)
        {
            await Task.Delay(ProbeInterval);
            if (await AnswersAsync(database, ProbeTimeout)) break;
        }
        Volatile.Write(ref _down, 0);
        logger.LogWarning("The database is reachable again after {Seconds:0.0} s", (clock.GetCurrentInstant() - since).TotalSeconds);
    }

    /// <summary>
    /// Whether the database answers <c>SELECT 1</c> within <paramref name="timeout"/>. The wait is bounded here,
    /// not by the command: cancelling a query needs the server to answer, and a frozen one does not.
    /// </summary>
    public static async Task<bool> AnswersAsync(InboxDatabase database, TimeSpan timeout)
    {
        var probe = ProbeAsync(database);
        try
        {
            await probe.WaitAsync(timeout);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            // A probe that outlives its wait ends by itself (command and cancellation timeouts); observe its fault.
            _ = probe.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            return false;
        }
    }

    static async Task ProbeAsync(InboxDatabase database)
    {
        await using var command = database.DataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync();
    }
}
