using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands Npgsql runs against one database while it is alive, through Npgsql's own tracing
/// (its "Npgsql" ActivitySource, one activity per command). Test classes run in parallel but each has its own
/// database, so filtering on the database name counts only this test's statements.
/// </summary>
public sealed class SqlStatementCounter : IDisposable
{
    readonly ActivityListener _listener;
    readonly string _database;
    readonly ConcurrentQueue<string> _statements = new();

    public SqlStatementCounter(string connectionString)
    {
        _database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    void Record(Activity activity)
    {
        var tags = activity.Tags.ToList();
        if (!tags.Any(t => t.Value == _database)) return;
        var text = tags.FirstOrDefault(t => t.Key is "db.query.text" or "db.statement").Value;
        if (text is null) return; // connection opens and other non-command activities
        _statements.Enqueue(text);
    }

    public IReadOnlyList<string> Statements => _statements.ToList();

    public void Dispose() => _listener.Dispose();
}
