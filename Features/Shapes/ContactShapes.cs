namespace Inbox.Features.Shapes;

/// <summary>
/// The contract's <c>contact</c> (v2): what the contact routes answer, what <c>contact.updated</c> frames and the
/// contact webhooks carry, so the three can never disagree.
/// </summary>
public sealed record ContactDetails(
    Guid Id,
    string? Name,
    string? Email,
    string? Phone,
    string? ExternalId,
    string? Company,
    string? Notes,
    IReadOnlyDictionary<string, string> Fields,
    string? LeadCode,
    string LeadStatus,
    string? Source,
    int? Score,
    Guid? OwnerId,
    Instant? LastInteractionAt,
    Instant CreatedAt,
    Instant UpdatedAt)
{
    public static ContactDetails From(ContactRow c) => new(
        c.Id, c.Name, c.Email, c.Phone, c.ExternalId, c.Company, c.Notes, ContactFieldsJson.Read(c.Fields), c.LeadCode,
        c.LeadStatus, c.Source, c.Score, c.OwnerId, c.LastInteractionAt, c.CreatedAt, c.UpdatedAt);
}

/// <summary>The <c>fields</c> column is a JSON object of strings; an ordinal-sorted dictionary keeps answers stable.</summary>
public static class ContactFieldsJson
{
    public static IReadOnlyDictionary<string, string> Read(string json) =>
        new SortedDictionary<string, string>(
            System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(string.IsNullOrEmpty(json) ? "{}" : json) ?? [],
            StringComparer.Ordinal);

    public static string Write(IReadOnlyDictionary<string, string> fields) =>
        System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, string>(fields.ToDictionary(), StringComparer.Ordinal));
}
