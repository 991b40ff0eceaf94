using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Time;
using Microsoft.AspNetCore.Http.Features;
using nietras.SeparatedValues;

namespace Inbox.Features.Contacts.Import;

/// <summary>
/// Imports contacts from a CSV body (admins). The body is read as a stream with Sep (separator detected from the
/// header, BOM and quoted newlines handled), <see cref="ImportLimits.BatchSize"/> rows at a time: each batch is matched
/// against the account's contacts in one query and written with one statement per kind of write, in its own
/// transaction with its webhook outbox rows. A row with an error is skipped with its reasons; it never stops the
/// others. With <c>dryRun=true</c> nothing is written and the report says what would happen.
/// </summary>
/// <remarks>
/// No request class: FastEndpoints would then expect a JSON body (a 415 before anything else is checked); the one
/// query field is read here, and a malformed value is a 400 naming it.
/// </remarks>
public sealed class Endpoint(InboxDb db, IClock clock, WebhookDispatcher dispatcher) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Post("/api/contacts/import");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var dryRun = DryRun();
        // The service's 1 MiB body limit is raised for this route only; beyond 20 MiB Kestrel answers 413.
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = ImportLimits.MaxBodyBytes;
        if (HttpContext.Request.ContentLength > ImportLimits.MaxBodyBytes)
            ThrowError($"The CSV must be at most {ImportLimits.MaxBodyBytes / (1024 * 1024)} MiB.", StatusCodes.Status413PayloadTooLarge);
        var contentType = HttpContext.Request.ContentType;
        if (contentType is not null && !contentType.StartsWith(ContactCsv.ContentType, StringComparison.OrdinalIgnoreCase) &&
            !contentType.StartsWith("application/csv", StringComparison.OrdinalIgnoreCase))
            ThrowError("The body must be CSV (text/csv).", StatusCodes.Status415UnsupportedMediaType);

        var caller = User.Caller();
        var importer = new Importer(db, caller.AccountId, caller.UserId, dryRun,
            await Data.PhoneRegionAsync(db, caller.AccountId, ct), await Data.UsersByEmailAsync(db, caller.AccountId, ct), clock);

        using var reader = await Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, Trim = SepTrim.Outer })
            .FromAsync(HttpContext.Request.Body, ct);
        if (!reader.HasHeader || reader.Header.ColNames.Count == 0)
        {
            await Send.OkAsync(new Response(0, 0, 0, []), ct);
            return;
        }
        importer.Columns(reader.Header.ColNames);
        var batch = new List<(int Row, string[] Cells)>(ImportLimits.BatchSize);
        var row = 1;
        await foreach (var record in reader)
        {
            batch.Add((++row, record[0..record.ColCount].ToStringsArray()));
            if (batch.Count == ImportLimits.BatchSize)
            {
                await importer.ImportAsync(batch, ct);
                batch.Clear();
            }
        }
        await importer.ImportAsync(batch, ct);
        if (importer.Queued > 0) dispatcher.Wake();
        await Send.OkAsync(importer.Report(), ct);
    }

    /// <summary><c>?dryRun=</c> true or false, once; anything else is a 400 naming it.</summary>
    bool DryRun()
    {
        var values = HttpContext.Request.Query["dryRun"];
        if (values.Count == 0) return false;
        var dryRun = false;
        if (values.Count > 1 || !bool.TryParse(values[0], out dryRun))
            ThrowError(new FluentValidation.Results.ValidationFailure("dryRun", "'dryRun' must be true or false, given once."), StatusCodes.Status400BadRequest);
        return dryRun;
    }
}
