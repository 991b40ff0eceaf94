using Inbox.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Inbox.Tests.Infrastructure.Database;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_a_second_run_changes_nothing()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(migrated: false);
        var scripts = DatabaseMigrator.EmbeddedScripts();

        DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);
        var afterFirst = await JournalAsync(connectionString);
        DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);
        var afterSecond = await JournalAsync(connectionString);

        Assert.Equal(scripts.Select(s => s.Name), afterFirst);
        Assert.Equal(afterFirst, afterSecond);
        Assert.True(await TableExistsAsync(connectionString, "users"));
        Assert.True(await TableExistsAsync(connectionString, "idempotency_records"));
    }

    [Fact]
    public void Scripts_are_numbered_and_ordered_by_file_name()
    {
        var names = DatabaseMigrator.EmbeddedScripts().Select(s => s.Name).ToList();

        Assert.NotEmpty(names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(names, name => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", name));
        Assert.Equal(names.Count, names.Select(n => n[..4]).Distinct().Count());
    }

    static async Task<List<string>> JournalAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT scriptname FROM schemaversions ORDER BY schemaversionsid", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    static async Task<bool> TableExistsAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
