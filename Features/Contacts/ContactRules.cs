using System.Collections.Frozen;
using PhoneNumbers;

namespace Inbox.Features.Contacts;

/// <summary>The limits of a contact's fields, and how emails and phones are normalised (the dedup keys).</summary>
public static class ContactRules
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    /// <summary>What a client may type as a phone before it is normalised.</summary>
    public const int MaxPhoneInputLength = 50;
    public const int MaxExternalIdLength = 200;
    public const int MaxCompanyLength = 200;
    public const int MaxNotesLength = 10_000;
    public const int MaxLeadCodeLength = 100;
    public const int MaxSourceLength = 100;
    public const int MaxFields = 20;
    public const int MaxFieldNameLength = 64;
    public const int MaxFieldValueLength = 1_000;
    public const int MaxNoteLength = 2_000;

    static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>The regions libphonenumber knows (ISO 3166 alpha-2): what <c>defaultPhoneRegion</c> may be.</summary>
    public static readonly FrozenSet<string> Regions = Phones.GetSupportedRegions().ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Trimmed, null when blank. Compared case-insensitively by the database (lower(email)).</summary>
    public static string? Email(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim();

    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The message of a phone that cannot be read; the contract's 400 names the field.</summary>
    public const string PhoneMessage = "'phone' is not a phone number that can be read (give it with its country code, e.g. +33 6 12 34 56 78, or set the account's defaultPhoneRegion).";

    /// <summary>
    /// E.164 (<c>+33612345678</c>), reading a number without a country code with <paramref name="region"/>; with no
    /// region only international numbers are read. False when it cannot be read or is not a possible number.
    /// </summary>
    public static bool TryPhone(string input, string? region, out string e164)
    {
        e164 = "";
        try
        {
            var number = Phones.Parse(input, region ?? "ZZ");
            if (!Phones.IsPossibleNumber(number)) return false;
            e164 = Phones.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>Null when the custom fields fit the limits, else why not.</summary>
    public static string? FieldsProblem(IReadOnlyDictionary<string, string?>? fields)
    {
        if (fields is null) return null;
        if (fields.Count > MaxFields) return $"'fields' may hold at most {MaxFields} fields.";
        foreach (var (name, value) in fields)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxFieldNameLength)
                return $"Field names must be 1 to {MaxFieldNameLength} characters.";
            if (value is null) return $"Field '{name}' must be a string.";
            if (value.Length > MaxFieldValueLength) return $"Field '{name}' must be at most {MaxFieldValueLength} characters.";
        }
        return null;
    }
}

public static class LeadStatus
{
    public const string New = "new";
    public const string Contacted = "contacted";
    public const string Qualified = "qualified";
    public const string Won = "won";
    public const string Lost = "lost";

    public static readonly IReadOnlyList<string> All = [New, Contacted, Qualified, Won, Lost];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value);
}

/// <summary>
/// The lead workflow of the contract, and the only place that knows it: <c>new → contacted → qualified → won | lost</c>,
/// and any status may go back to <c>new</c>. Staying put is not a move (it would only add a meaningless history row).
/// </summary>
public static class LeadWorkflow
{
    static readonly FrozenDictionary<string, string[]> Next = new Dictionary<string, string[]>
    {
        [LeadStatus.New] = [LeadStatus.Contacted],
        [LeadStatus.Contacted] = [LeadStatus.New, LeadStatus.Qualified],
        [LeadStatus.Qualified] = [LeadStatus.New, LeadStatus.Won, LeadStatus.Lost],
        [LeadStatus.Won] = [LeadStatus.New],
        [LeadStatus.Lost] = [LeadStatus.New],
    }.ToFrozenDictionary();

    public static IReadOnlyList<string> AllowedFrom(string status) => Next.TryGetValue(status, out var next) ? next : [];

    public static bool Allows(string from, string to) => AllowedFrom(from).Contains(to);

    /// <summary>The 409 detail of a refused move: it names the statuses the lead may move to instead.</summary>
    public static string RefusalDetail(string from, string to) =>
        $"A lead cannot move from '{from}' to '{to}'. Allowed next statuses: {string.Join(", ", AllowedFrom(from))}.";
}
