using Inbox.Infrastructure.Database;
using LinqToDB.Data;

namespace Inbox.Tests.Infrastructure.Database;

/// <summary>
/// The hot statements are prepared once per physical connection and stay prepared across the pool's close and
/// open (no DISCARD ALL between uses); statements that are not marked are never prepared.
/// </summary>
public sealed class PreparedStatementsTests(InboxApp app) : IClassFixture<InboxApp>
{
    const string Marked = "SELECT count(*) FROM accounts WHERE id = @id";
    const string Unmarked = "SELECT count(*) FROM users WHERE id = @id";
    const string Prepared = "SELECT statement FROM pg_prepared_statements";

    [Fact(Timeout = 30_000)]
    public async Task A_marked_statement_is_prepared_and_stays_prepared_on_its_connection()
    {
        // Its own pool of one connection, so the second use surely gets the same backend.
        using var single = new InboxDatabase(new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        var id = new DataParameter("id", Guid.NewGuid());

        int backend;
        await using (var db = single.Open())
        {
            await db.QueryToListAsync<long>(Unmarked, id);
            await db.PrepareNextStatement().QueryToListAsync<long>(Marked, id);
            backend = (await db.QueryToListAsync<int>("SELECT pg_backend_pid()")).Single();
            var prepared = await db.QueryToListAsync<string>(Prepared);
            Assert.Contains(prepared, s => s.Contains("FROM accounts"));
            Assert.DoesNotContain(prepared, s => s.Contains("FROM users"));
            Assert.DoesNotContain(prepared, s => s.Contains("pg_backend_pid"));
        }

        await using (var again = single.Open())
        {
            Assert.Equal(backend, (await again.QueryToListAsync<int>("SELECT pg_backend_pid()")).Single());
            Assert.Contains(await again.QueryToListAsync<string>(Prepared), s => s.Contains("FROM accounts"));
            // Marked again: found prepared, answered as before.
            Assert.Equal(0L, (await again.PrepareNextStatement().QueryToListAsync<long>(Marked, id)).Single());
        }
    }
}
