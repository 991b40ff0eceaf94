using Inbox.Infrastructure.Database;
using Npgsql;
using OverdueData = Inbox.Features.Tickets.Overdue.Data;

namespace Inbox.Tests.Features.Tickets.Overdue;

public sealed class SelectionTests(InboxApp app) : IClassFixture<InboxApp>
{
    /// <summary>
    /// The sweep's selection must be answered from a partial overdue index, never by reading every ticket. With
    /// sequential scans priced out, PostgreSQL still picks a sequential scan if no index's predicate is implied
    /// by the query's WHERE: so a status list that drifted from the index's would show up here.
    /// </summary>
    [Fact]
    public async Task The_overdue_selection_reads_a_partial_index_not_the_whole_tickets_table()
    {
        await using var connection = await app.Service<InboxDatabase>().DataSource.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
            await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + OverdueData.CandidatesSql, connection);
        var now = SystemClock.Instance.GetCurrentInstant();
        explain.Parameters.AddWithValue("now", now);
        explain.Parameters.AddWithValue("windowOpenAfter", now - Duration.FromHours(24));
        explain.Parameters.AddWithValue("limit", 500);

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));

        var text = string.Join("\n", plan);
        Assert.DoesNotContain("Seq Scan on tickets", text);
        Assert.Contains("tickets_overdue", text);
    }
}
