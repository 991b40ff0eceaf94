using Inbox.Features.Shapes;
using nietras.SeparatedValues;

namespace Inbox.Features.Contacts.Export;

/// <summary>
/// The account's contacts as CSV (admins), with the import's columns and then one column per custom field: what
/// export writes, import reads back. Streamed: read <see cref="BatchSize"/> contacts at a time and written as they come.
/// </summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest
{
    public const int BatchSize = 1_000;

    public override void Configure()
    {
        Get("/api/contacts/export");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        // A custom field spelled like a column of its own (possible through the API) is left out rather than written twice.
        var fields = (await Data.FieldNamesAsync(db, accountId, ct)).Where(f => ContactCsv.Known(f) is null).ToList();
        var owners = await Data.UserEmailsAsync(db, accountId, ct);
        HttpContext.Response.StatusCode = StatusCodes.Status200OK;
        HttpContext.Response.ContentType = "text/csv; charset=utf-8";
        HttpContext.Response.Headers.ContentDisposition = "attachment; filename=\"contacts.csv\"";

        Guid? after = null;
        var first = true;
        while (true)
        {
            var batch = await Data.BatchAsync(db, accountId, after, BatchSize, ct);
            if (batch.Count == 0 && !first) break;
            // Sep writes to a TextWriter synchronously: each batch is written to memory, then sent asynchronously.
            using var text = new StringWriter();
            using (var writer = Sep.New(',').Writer(o => o with { WriteHeader = first, Escape = true }).To(text))
            {
                if (batch.Count == 0)
                    writer.Header.Add([.. ContactCsv.Columns, .. fields]);
                foreach (var c in batch)
                {
                    using var row = writer.NewRow();
                    row[ContactCsv.Name].Set(c.Name ?? "");
                    row[ContactCsv.Email].Set(c.Email ?? "");
                    row[ContactCsv.Phone].Set(c.Phone ?? "");
                    row[ContactCsv.ExternalId].Set(c.ExternalId ?? "");
                    row[ContactCsv.Company].Set(c.Company ?? "");
                    row[ContactCsv.Notes].Set(c.Notes ?? "");
                    row[ContactCsv.LeadCode].Set(c.LeadCode ?? "");
                    row[ContactCsv.LeadStatus].Set(c.LeadStatus);
                    row[ContactCsv.Source].Set(c.Source ?? "");
                    row[ContactCsv.Score].Set(c.Score?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
                    row[ContactCsv.OwnerEmail].Set(c.OwnerId is { } o && owners.TryGetValue(o, out var email) ? email : "");
                    var values = ContactFieldsJson.Read(c.Fields);
                    foreach (var field in fields) row[field].Set(values.TryGetValue(field, out var v) ? v : "");
                }
            }
            await HttpContext.Response.WriteAsync(text.ToString(), ct);
            if (batch.Count < BatchSize) break;
            after = batch[^1].Id;
            first = false;
        }
    }
}
