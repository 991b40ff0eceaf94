using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Inbox.Infrastructure.Http;

/// <summary>A page of a keyset-paginated list: <c>{"items":[...],"nextCursor":"..."|null}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The query fields every list shares. Requests of list routes inherit it.</summary>
public abstract class PageQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    [QueryParam] public int? Limit { get; set; }
    [QueryParam] public string? Cursor { get; set; }

    public int Take => Limit ?? DefaultLimit;
}

public static class PageQueryRules
{
    /// <summary>The shared rules of <see cref="PageQuery"/>; call from a list request's validator.</summary>
    public static void AddPageRules<T>(this AbstractValidator<T> validator) where T : PageQuery
    {
        validator.RuleFor(x => x.Limit).InclusiveBetween(1, PageQuery.MaxLimit).When(x => x.Limit is not null);
        validator.RuleFor(x => x.Cursor).Must(c => KeysetCursor.TryDecode(c!, out _, out _))
            .When(x => x.Cursor is not null)
            .WithMessage("The cursor is not one this service handed out.");
    }
}

/// <summary>
/// The opaque cursor of keyset pagination: the sort key of the last row of a page (an instant, or a rank,
/// and the row id as tie-breaker), base64url-encoded. Instants keep full tick precision so rows with
/// equal timestamps on a page boundary are neither skipped nor repeated.
/// </summary>
public static class KeysetCursor
{
    public static string Encode(Instant at, Guid id) => Encode(at.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture), id);

    public static string Encode(double rank, Guid id) => Encode(rank.ToString("R", CultureInfo.InvariantCulture), id);

    /// <summary>A cursor over an integer sort key, such as a message's position in its conversation.</summary>
    public static string Encode(long key, Guid id) => Encode(key.ToString(CultureInfo.InvariantCulture), id);

    static string Encode(string key, Guid id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{key}|{id:N}"));

    public static bool TryDecode(string cursor, out string key, out Guid id)
    {
        key = "";
        id = Guid.Empty;
        if (cursor.Length is 0 or > 200) return false;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var bar = text.IndexOf('|');
        if (bar <= 0 || !Guid.TryParseExact(text[(bar + 1)..], "N", out id)) return false;
        key = text[..bar];
        return long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ||
               double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    public static (Instant At, Guid Id)? DecodeInstant(string? cursor) =>
        cursor is not null && TryDecode(cursor, out var key, out var id) &&
        long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
            ? (Instant.FromUnixTimeTicks(ticks), id)
            : null;

    public static (long Key, Guid Id)? DecodeLong(string? cursor) =>
        cursor is not null && TryDecode(cursor, out var key, out var id) &&
        long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? (value, id)
            : null;

    public static (double Rank, Guid Id)? DecodeRank(string? cursor) =>
        cursor is not null && TryDecode(cursor, out var key, out var id) &&
        double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out var rank)
            ? (rank, id)
            : null;
}
