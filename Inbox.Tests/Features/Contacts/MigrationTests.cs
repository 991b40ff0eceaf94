using DbUp;
using Inbox.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Inbox.Tests.Features.Contacts;

/// <summary>
/// Migration 0011 on a database that holds conversations created the old way (inline contact fields): migrated up
/// to the script before it, filled, then migrated to the end.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task Existing_conversations_get_deduplicated_contacts_by_external_id_then_email_then_phone()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(migrated: false);
        var before = DatabaseMigrator.EmbeddedScripts().Where(s => string.CompareOrdinal(s.Name, "0011") < 0).ToList();
        var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString).WithScripts(before).WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
        Assert.True(upgrade.Successful, upgrade.Error?.Message);

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var fill = new NpgsqlCommand(
                """
                INSERT INTO accounts (id, name, created_at) VALUES ('0196b5c4-0000-7000-8000-00000000000a', 'A', now()),
                                                                   ('0196b5c4-0000-7000-8000-00000000000b', 'B', now());
                INSERT INTO conversations (id, account_id, channel, status, contact_name, contact_email, contact_phone, contact_external_id, last_activity_at, created_at) VALUES
                  ('0196b5c4-0000-7000-8000-000000000001', '0196b5c4-0000-7000-8000-00000000000a', 'api', 'open', 'Léa', 'lea@example.com', NULL, 'crm-1', now(), now() - interval '6 days'),
                  -- the same person by externalId, with a phone written with spaces: fills the contact's phone
                  ('0196b5c4-0000-7000-8000-000000000002', '0196b5c4-0000-7000-8000-00000000000a', 'api', 'open', NULL, NULL, '+33 6 12 34 56 78', 'crm-1', now(), now() - interval '5 days'),
                  -- the same person by email, whatever its case
                  ('0196b5c4-0000-7000-8000-000000000003', '0196b5c4-0000-7000-8000-00000000000a', 'api', 'open', 'Léa M.', ' LEA@Example.com', NULL, NULL, now(), now() - interval '4 days'),
                  -- the same person by phone, once normalised
                  ('0196b5c4-0000-7000-8000-000000000004', '0196b5c4-0000-7000-8000-00000000000a', 'api', 'open', NULL, NULL, '+33.6.12.34.56.78', NULL, now(), now() - interval '3 days'),
                  -- someone else, with a phone that cannot be normalised here: kept as a custom field
                  ('0196b5c4-0000-7000-8000-000000000005', '0196b5c4-0000-7000-8000-00000000000a', 'api', 'open', 'Paul', NULL, '06 12 34 56 78', NULL, now(), now() - interval '2 days'),
                  -- the same email in another account: another contact
                  ('0196b5c4-0000-7000-8000-000000000006', '0196b5c4-0000-7000-8000-00000000000b', 'api', 'open', 'Léa', 'lea@example.com', NULL, NULL, now(), now() - interval '1 day');
                INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
                VALUES ('0196b5c4-0000-7000-8000-0000000000f1', '0196b5c4-0000-7000-8000-00000000000a', '0196b5c4-0000-7000-8000-000000000004', 1,
                        'incoming', 'Bonjour', 'contact', 'Léa', '2026-11-30T10:00:00Z');
                """, connection);
            await fill.ExecuteNonQueryAsync();
        }

        DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);

        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync();
        var links = await RowsAsync(check, "SELECT c.id::text, coalesce(c.contact_id::text, '') FROM conversations c ORDER BY c.id");
        var lea = links[0][1];
        Assert.NotEqual("", lea);
        Assert.Equal([lea, lea, lea, lea], links.Take(4).Select(r => r[1]));
        Assert.NotEqual(lea, links[4][1]);
        Assert.NotEqual(lea, links[5][1]);
        var contacts = await RowsAsync(check,
            """
            SELECT coalesce(name, ''), coalesce(email, ''), coalesce(phone, ''), coalesce(external_id, ''), fields::text, lead_status,
                   coalesce(to_char(last_interaction_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), ''),
                   (SELECT count(*) FROM contact_lead_history h WHERE h.contact_id = ct.id)::text
            FROM contacts ct ORDER BY created_at
            """);
        Assert.Equal(3, contacts.Count);
        Assert.Equal(["Léa", "lea@example.com", "+33612345678", "crm-1", "{}", "new", "2026-11-30 10:00", "1"], contacts[0]);
        Assert.Equal("""{"legacyPhone": "06 12 34 56 78"}""", contacts[1][4]);
        Assert.Equal("", contacts[1][2]);
        // Ids made by the migration are UUIDv7, like the service's own.
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", lea);
    }

    static async Task<List<string[]>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i)).ToArray());
        return rows;
    }
}
