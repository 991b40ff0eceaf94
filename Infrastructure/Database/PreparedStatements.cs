using System.Data;
using System.Data.Common;
using LinqToDB.Common;
using LinqToDB.Interceptors;

namespace Inbox.Infrastructure.Database;

/// <summary>
/// The statements the service runs many times a second (the message post, the unread read after it) are prepared:
/// PostgreSQL parses and plans them once per connection instead of on every call. A CPU profile of the post under
/// load (bench/README.md) had a fifth of PostgreSQL's time in parsing, analysing and planning the post statement,
/// and pgbench runs it twice as fast prepared. Npgsql keeps a prepared statement on its physical connection across
/// the pool's open and close, so preparing it again is a lookup in memory, not a round trip.
/// <para>
/// Only for statements whose best plan does not depend on the values bound (lookups and updates by key):
/// PostgreSQL may switch a prepared statement to one generic plan after five executions, which is right for these
/// and would be wrong for a search, whose plan depends on the word.
/// </para>
/// <para>
/// How: <see cref="PrepareNextStatement"/> marks the connection, and this interceptor (registered once, on every
/// <see cref="InboxDb"/>) prepares the marked connection's next query just before it runs, asynchronously: linq2db
/// opens the connection only then, and a synchronous prepare would block a pool thread on a round trip.
/// </para>
/// </summary>
public sealed class PreparedStatements : CommandInterceptor
{
    public static readonly PreparedStatements Interceptor = new();

    PreparedStatements()
    {
    }

    public override async Task<Option<DbDataReader>> ExecuteReaderAsync(
        CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, Option<DbDataReader> result, CancellationToken cancellationToken)
    {
        if (eventData.DataConnection is InboxDb db && db.TakePrepareMark())
            await command.PrepareAsync(cancellationToken);
        return result;
    }
}

public sealed partial class InboxDb
{
    bool _prepareNext;

    /// <summary>Prepares the next query this connection runs, and only that one (see <see cref="PreparedStatements"/>).</summary>
    public InboxDb PrepareNextStatement()
    {
        _prepareNext = true;
        return this;
    }

    internal bool TakePrepareMark()
    {
        var marked = _prepareNext;
        _prepareNext = false;
        return marked;
    }
}
