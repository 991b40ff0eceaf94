using System.Diagnostics;
using System.Text;

namespace Inbox.Tests.Features.Contacts;

/// <summary>CSV import and export: header matching, BOM, separators, quoted newlines, the per-row report, dry runs, size.</summary>
public sealed class ImportTests(InboxApp app) : IClassFixture<InboxApp>
{
    static StringContent Csv(string text, bool bom = false) =>
        new((bom ? "\uFEFF" : "") + text, new UTF8Encoding(false), "text/csv");

    static Task<HttpResponseMessage> ImportAsync(HttpClient client, HttpContent body, bool dryRun = false) =>
        client.PostAsync($"/api/contacts/import{(dryRun ? "?dryRun=true" : "")}", body);

    [Fact]
    public async Task A_file_with_a_bom_quoted_newlines_an_unknown_column_a_duplicate_row_and_a_bad_phone_gets_a_row_by_row_report()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var existing = await ContactApi.CreateIdAsync(client, new { name = "Paul Girard", email = "paul@example.com" });
        var csv =
            $"Name;E-mail;Phone;External_ID;Lead Status;score;Owner Email;Notes;Ville\r\n" +
            $"Élodie Fournier;elodie@example.com;+33 6 12 34 56 78;crm-1;contacted;70;{admin.Email};\"Première ligne\nseconde ligne; avec séparateur\";Lyon\r\n" +
            "Paul G.;PAUL@example.com;;;qualified;;;;Nantes\r\n" +
            "Élodie bis;ELODIE@example.com;;;;;;;\r\n" +
            "Bad Phone;bad@example.com;12;;;;;;\r\n";

        var dry = await ImportAsync(client, Csv(csv, bom: true), dryRun: true);
        await Snap.MatchAsync(dry, "dry-run");
        Assert.DoesNotContain(await ContactApi.ListIdsAsync(client, ""), id => id != existing);

        var response = await ImportAsync(client, Csv(csv, bom: true));

        await Snap.MatchAsync(response, "report");
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1, report["created"]!.GetValue<int>());
        Assert.Equal(1, report["updated"]!.GetValue<int>());
        Assert.Equal(2, report["skipped"]!.GetValue<int>());
        var rows = report["rows"]!.AsArray();
        Assert.Equal(existing, rows[1]!["contactId"]!.GetValue<Guid>());
        var created = await ContactApi.GetAsync(client, rows[0]!["contactId"]!.GetValue<Guid>());
        Assert.Equal("Première ligne\nseconde ligne; avec séparateur", created["notes"]!.GetValue<string>());
        Assert.Equal("+33612345678", created["phone"]!.GetValue<string>());
        Assert.Equal("Lyon", created["fields"]!["Ville"]!.GetValue<string>());
        Assert.Equal(admin.Id, created["ownerId"]!.GetValue<Guid>());
        var updated = await ContactApi.GetAsync(client, existing);
        Assert.Equal("qualified", updated["leadStatus"]!.GetValue<string>());
        Assert.Equal("Paul G.", updated["name"]!.GetValue<string>());
        var history = JsonNode.Parse(await client.GetStringAsync($"/api/contacts/{existing}/history"))!.AsArray();
        Assert.Equal("qualified", history[^1]!["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_comma_separated_file_round_trips_through_export()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var csv = "name,email,leadCode,source,tier\nAnne Leroy,anne@example.com,L-9,website,gold\n\"Leroy, Marc\",marc@example.com,,salon,\n";

        var report = JsonNode.Parse(await (await ImportAsync(client, Csv(csv))).Content.ReadAsStringAsync())!;
        Assert.Equal(2, report["created"]!.GetValue<int>());

        var export = await client.GetAsync("/api/contacts/export");
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var text = await export.Content.ReadAsStringAsync();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("name,email,phone,externalId,company,notes,leadCode,leadStatus,source,score,ownerEmail,tier", lines[0]);
        Assert.Contains("Anne Leroy,anne@example.com,,,,,L-9,new,website,,,gold", lines);
        Assert.Contains("\"Leroy, Marc\",marc@example.com,,,,,,new,salon,,,", lines);

        // Importing the export again updates the same contacts, creating none.
        var again = JsonNode.Parse(await (await ImportAsync(client, Csv(text))).Content.ReadAsStringAsync())!;
        Assert.Equal(0, again["created"]!.GetValue<int>());
        Assert.Equal(2, again["updated"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_body_over_20_MiB_is_a_413_problem_and_a_json_body_is_a_415()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var big = new StringBuilder("name,notes\n");
        var line = "x," + new string('y', 1000) + "\n";
        while (big.Length <= 21 * 1024 * 1024) big.Append(line);

        // Expect: 100-continue, as a well-behaved client sends a large body: the 413 comes before the body is sent.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts/import") { Content = Csv(big.ToString()) };
        request.Headers.ExpectContinue = true;
        await ProblemAssert.IsAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        await ProblemAssert.IsAsync(await client.PostAsJsonAsync("/api/contacts/import", new { name = "x" }), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Ten_thousand_rows_import_in_one_request_and_each_raises_one_event()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var csv = new StringBuilder("name,email,phone,leadStatus,score,company\n");
        for (var i = 0; i < 10_000; i++)
            csv.Append($"Contact {i},contact.{i}@example.com,+3361{i:D7},contacted,{i % 101},Société {i % 50}\n");

        var watch = Stopwatch.StartNew();
        var response = await ImportAsync(client, Csv(csv.ToString()));
        watch.Stop();

        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString()[..Math.Min(500, report.ToJsonString().Length)]);
        Console.WriteLine($"10,000-row contact import: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(10_000, report["created"]!.GetValue<int>());
        var page = JsonNode.Parse(await client.GetStringAsync("/api/contacts?q=contact.9999%40"))!["items"]!.AsArray();
        Assert.Equal("+33610009999", Assert.Single(page)!["phone"]!.GetValue<string>());

        // Right after the import (no vacuum has run), q is served by the search index, not a read of the account's
        // 10,000 rows; the plan is printed for docs/contacts.md.
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new Npgsql.NpgsqlCommand("ANALYZE contacts", connection)) await analyze.ExecuteNonQueryAsync();
        var chosen = await ExplainAsync(connection, admin.AccountId);
        Console.WriteLine($"plan chosen:\n{chosen}");
        Assert.Contains("Bitmap Index Scan on contacts_search", chosen);
        Assert.DoesNotContain("Seq Scan", chosen);
    }

    static async Task<string> ExplainAsync(Npgsql.NpgsqlConnection connection, Guid accountId)
    {
        await using var explain = new Npgsql.NpgsqlCommand(
            """
            EXPLAIN (COSTS OFF)
            WITH matched AS MATERIALIZED (
                SELECT id, activity_at FROM contacts WHERE account_id = @account AND search_vector @@ CAST(@tsquery AS tsquery))
            SELECT id FROM matched ORDER BY activity_at DESC, id DESC LIMIT 51
            """, connection);
        explain.Parameters.AddWithValue("account", accountId);
        explain.Parameters.AddWithValue("tsquery", "'contact.9999@':*");
        var plan = new StringBuilder();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.AppendLine(reader.GetString(0));
        return plan.ToString();
    }
}
