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

    static EmbeddedPostgres StartCluster()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"inbox-tests-{Environment.ProcessId}");
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
