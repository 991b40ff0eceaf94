namespace Inbox.Features.Contacts;

/// <summary>
/// The CSV columns of import and export. A header names a column when it matches case-insensitively, ignoring
/// spaces, <c>_</c> and <c>-</c> (<c>Lead Status</c>, <c>lead_status</c>, <c>leadStatus</c>); any other header is a custom field.
/// </summary>
public static class ContactCsv
{
    public const string Name = "name";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string ExternalId = "externalId";
    public const string Company = "company";
    public const string Notes = "notes";
    public const string LeadCode = "leadCode";
    public const string LeadStatus = "leadStatus";
    public const string Source = "source";
    public const string Score = "score";
    public const string OwnerEmail = "ownerEmail";

    /// <summary>In export order.</summary>
    public static readonly IReadOnlyList<string> Columns = [Name, Email, Phone, ExternalId, Company, Notes, LeadCode, LeadStatus, Source, Score, OwnerEmail];

    public const string ContentType = "text/csv";

    /// <summary>The known column a header names, or null for a custom field.</summary>
    public static string? Known(string header)
    {
        var key = new string(header.Where(c => c is not (' ' or '_' or '-')).ToArray()).ToLowerInvariant();
        return Columns.FirstOrDefault(c => c.Equals(key, StringComparison.OrdinalIgnoreCase));
    }
}
