using Inbox.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, started by the same code the service uses for its
/// embedded database, in a temp folder and with durability off. A migrated template database is made once;
/// every test class then gets its own database copied from it (CREATE DATABASE … TEMPLATE takes milliseconds).
/// </summary>
public static class TestPostgres
{
    const string TemplateName = "inbox_template";
    static readonly Lazy<EmbeddedPostgres> Cluster = new(StartCluster, LazyThreadSafetyMode.ExecutionAndPublication);
    static readonly SemaphoreSlim CreateLock = new(1, 1);
    static int _counter;

    public static EmbeddedPostgres Server => Cluster.Value;

    const string DirectoryPrefix = "inbox-tests-";

    static EmbeddedPostgres StartCluster()
    {
        RemoveStaleClusters();
        var directory = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}");
        var server = EmbeddedPostgres.Start(directory, NullLogger.Instance, new Dictionary<string, string>
        {
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
            ["max_connections"] = "300",
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.Dispose();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };

        server.EnsureDatabase(TemplateName);
        // No pooling: a pooled connection left open on the template would block every CREATE DATABASE … TEMPLATE.
        DatabaseMigrator.Migrate(server.ConnectionString(TemplateName) + ";Pooling=false", NullLogger.Instance);
        return server;
    }

    /// <summary>
    /// Removes the clusters of earlier runs whose test process is gone. The exit handler above does not always get
    /// to run (a run that is killed, a test host stopped by its runner), and a full run leaves about 1.5 GB in the
    /// temp folder: runs on one machine used to fill its disk. A cluster whose server still runs is left alone.
    /// </summary>
    static void RemoveStaleClusters()
    {
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(stale).AsSpan(DirectoryPrefix.Length), out var owner)
                || owner == Environment.ProcessId || IsRunning(owner) || IsRunning(PostmasterOf(stale)))
                continue;
            try { Directory.Delete(stale, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The server's process id from the first line of <c>postmaster.pid</c>, or 0 when it is not running.</summary>
    static int PostmasterOf(string dataDirectory)
    {
        try
        {
            return int.TryParse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    static bool IsRunning(int processId)
    {
        if (processId <= 0) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A new database with the migrated schema and no rows; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(bool migrated = true)
    {
        var server = Server;
        var name = $"test_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}";
        // CREATE DATABASE … TEMPLATE fails if another session is connected to the template at that moment,
        // so copies are made one at a time.
        await CreateLock.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
            await connection.OpenAsync();
            var template = migrated ? TemplateName : "template0";
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE {template}", connection);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            CreateLock.Release();
        }

        return server.ConnectionString(name);
    }
}
