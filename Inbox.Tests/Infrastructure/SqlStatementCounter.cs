using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands Npgsql runs against one database while it is alive, through Npgsql's own tracing
/// (its "Npgsql" ActivitySource, one activity per command). Test classes run in parallel but each has its own
/// database, so filtering on the database name counts only this test's statements; and only commands run while
/// serving an HTTP request count (their activity descends from ASP.NET Core's request activity), so the
/// service's background work (presence refresh, peer checks, sweeps) never adds to the count.
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
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    void Record(Activity activity)
    {
        if (activity.Source.Name != "Npgsql" || !DuringARequest(activity)) return;
        var tags = activity.Tags.ToList();
        if (!tags.Any(t => t.Value == _database)) return;
        var text = tags.FirstOrDefault(t => t.Key is "db.query.text" or "db.statement").Value;
        if (text is null) return; // connection opens and other non-command activities
        _statements.Enqueue(text);
    }

    static bool DuringARequest(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
            if (parent.Source.Name == "Microsoft.AspNetCore") return true;
        return false;
    }

    public IReadOnlyList<string> Statements => _statements.ToList();

    public void Dispose() => _listener.Dispose();
}
