using System.Reflection;
using DbUp;
using DbUp.Engine;
using Npgsql;

namespace Inbox.Infrastructure.Database;

/// <summary>What <c>/ready</c> reports: whether the schema is known to be migrated, and if not, why.</summary>
public sealed class DatabaseReadiness
{
    volatile bool _migrated;
    volatile string _reason = "migrations have not run yet";

    public bool Migrated => _migrated;
    public string Reason => _reason;

    internal void MarkMigrated() => _migrated = true;
    internal void MarkNotReady(string reason) => _reason = reason;
}

/// <summary>
/// Applies the embedded SQL migrations (dbup) when the service starts. An unreachable database does not stop
/// the start: <c>/health</c> still answers, <c>/ready</c> answers 503 and the migrator keeps trying in the
/// background. A migration script that fails does stop the service, with the script's name and the error.
/// </summary>
public sealed class DatabaseMigrator(
    InboxDatabase database,
    DatabaseReadiness readiness,
    IHostApplicationLifetime lifetime,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);
    // Never disposed: it has no timer, and hosts (test hosts in particular) may call StopAsync more than once.
    readonly CancellationTokenSource _stopping = new();
    Task? _retrying;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (TryMigrate()) return Task.CompletedTask;
        _retrying = RetryUntilMigratedAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    async Task RetryUntilMigratedAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RetryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                if (TryMigrate()) return;
        }
        catch (OperationCanceledException)
        {
        }
        catch (MigrationFailedException e)
        {
            logger.LogCritical("{Message}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <returns>true once migrated; false while the database cannot be reached.</returns>
    /// <exception cref="MigrationFailedException">a script failed: not worth retrying.</exception>
    bool TryMigrate()
    {
        try
        {
            Migrate(database.ConnectionString, logger);
            readiness.MarkMigrated();
            return true;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            var reason = $"database unreachable: {e.GetBaseException().Message}";
            readiness.MarkNotReady(reason);
            logger.LogWarning("{Reason}; /ready answers 503 and migrations are retried every {Interval}s", reason, RetryInterval.TotalSeconds);
            return false;
        }
    }

    /// <summary>
    /// For the one-shot commands (<c>seed</c>, <c>recount-unread</c>): the database, migrated; or null, after one
    /// critical line saying why <paramref name="task"/> cannot run, when it cannot be reached or migrated.
    /// </summary>
    public static InboxDatabase? MigratedForCommand(IServiceProvider services, ILogger logger, string task)
    {
        try
        {
            var database = services.GetRequiredService<InboxDatabase>();
            Migrate(database.ConnectionString, logger);
            return database;
        }
        catch (Exception e) when (e is MigrationFailedException or NpgsqlException or System.Net.Sockets.SocketException
                                       or FormatException or PostgresNotInstalledException or InvalidOperationException)
        {
            logger.LogCritical("Cannot {Task}: {Reason}", task, e.Message);
            return null;
        }
    }

    /// <summary>Runs every pending script in file-name order, under an advisory lock so that instances starting together take turns.</summary>
    public static void Migrate(string connectionString, ILogger logger)
    {
        using var lockConnection = new NpgsqlConnection(connectionString);
        lockConnection.Open();
        using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('inbox.migrations'))", lockConnection))
            take.ExecuteNonQuery();
        try
        {
            var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScripts(EmbeddedScripts())
                .WithTransactionPerScript()
                .LogTo(logger)
                .Build()
                .PerformUpgrade();
            if (!upgrade.Successful)
            {
                if (IsUnreachable(upgrade.Error)) throw upgrade.Error;
                throw new MigrationFailedException(upgrade.ErrorScript?.Name ?? "(unknown script)", upgrade.Error);
            }
        }
        finally
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext('inbox.migrations'))", lockConnection);
            release.ExecuteNonQuery();
        }
    }

    /// <summary>The scripts embedded under <c>Migrations/</c>, named by file name (<c>0001_initial.sql</c>).</summary>
    public static IReadOnlyList<SqlScript> EmbeddedScripts()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("Migrations/", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SqlScript(name["Migrations/".Length..], Read(assembly, name)))
            .ToList();
    }

    static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    static bool IsUnreachable(Exception e) =>
        e.GetBaseException() is System.Net.Sockets.SocketException or TimeoutException ||
        e is NpgsqlException { IsTransient: true } ||
        e.InnerException is NpgsqlException { IsTransient: true } ||
        e is PostgresException { SqlState: "3D000" or "57P03" or "28P01" or "28000" };

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return _retrying ?? Task.CompletedTask;
    }
}

public sealed class MigrationFailedException(string script, Exception error)
    : Exception($"Migration {script} failed, the service cannot start: {error.Message}", error);
