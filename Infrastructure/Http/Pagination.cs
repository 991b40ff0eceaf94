using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Inbox.Infrastructure.Json;

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
    /// <summary>
    /// The shared rules of <see cref="PageQuery"/>; call from a list request's validator. The cursor must be of
    /// the kind this list hands out (most lists page by an instant), so a cursor of another list, or one forged
    /// in range for another kind, is a 400 rather than silently page one.
    /// </summary>
    public static void AddPageRules<T>(this AbstractValidator<T> validator, CursorKind kind = CursorKind.Instant) where T : PageQuery
    {
        validator.RuleFor(x => x.Limit).InclusiveBetween(1, PageQuery.MaxLimit).When(x => x.Limit is not null);
        validator.RuleFor(x => x.Cursor).Must(c => kind switch
            {
                CursorKind.Instant => KeysetCursor.DecodeInstant(c) is not null,
                CursorKind.Long => KeysetCursor.DecodeLong(c) is not null,
                _ => KeysetCursor.DecodeRank(c) is not null,
            })
            .When(x => x.Cursor is not null)
            .WithMessage(KeysetCursor.InvalidMessage);
    }
}

public static class QueryRules
{
    /// <summary>
    /// A uuid filter of a query (<c>?assigneeId=</c>). An empty value binds as <see cref="Guid.Empty"/>, which no
    /// row has: refused as malformed, rather than answering an empty page (or a 404) for a filter the client
    /// never meant.
    /// </summary>
    public static IRuleBuilderOptions<T, Guid?> IdFilter<T>(this IRuleBuilder<T, Guid?> rule, string name) =>
        rule.NotEqual(Guid.Empty).WithMessage($"'{name}' must be a uuid.");
}

/// <summary>What the key of a list's cursor is: an instant, a whole number (a sequence), or a search rank.</summary>
public enum CursorKind { Instant, Long, Rank }

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

    public const string InvalidMessage = "The cursor is not one this service handed out.";

    /// <summary>
    /// Decodes defensively: anything a client can type is either a cursor this service could have handed out or
    /// false, never an exception, and every key it accepts fits what the list queries compare it with (an instant
    /// PostgreSQL can hold, a finite rank), so a forged cursor is a 400 naming <c>cursor</c>, never a 500.
    /// </summary>
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

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        var bar = text.IndexOf('|');
        if (bar <= 0 || !Guid.TryParseExact(text[(bar + 1)..], "N", out id)) return false;
        key = text[..bar];
        return TryLong(key, out _) || TryRank(key, out _);
    }

    public static (Instant At, Guid Id)? DecodeInstant(string? cursor) =>
        cursor is not null && TryDecode(cursor, out var key, out var id) && TryLong(key, out var ticks) &&
        ticks >= MinTicks && ticks <= MaxTicks
            ? (Instant.FromUnixTimeTicks(ticks), id)
            : null;

    public static (long Key, Guid Id)? DecodeLong(string? cursor) =>
        cursor is not null && TryDecode(cursor, out var key, out var id) && TryLong(key, out var value)
            ? (value, id)
            : null;

    public static (double Rank, Guid Id)? DecodeRank(string? cursor) =>
        cursor is not null && TryDecode(cursor, out var key, out var id) && TryRank(key, out var rank)
            ? (rank, id)
            : null;

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Instants a cursor may carry: the ones input may name at all (see InstantJsonConverter).
    static readonly long MinTicks = InstantJsonConverter.MinValue.ToUnixTimeTicks();
    static readonly long MaxTicks = InstantJsonConverter.MaxValue.ToUnixTimeTicks();

    /// <summary>
    /// A whole-number key: the service hands out ticks of instants and sequence numbers (negated for a catch-up,
    /// and far smaller than any tick count), so nothing outside the ticks of the instants input may name is
    /// accepted; long.MinValue, which has no negation, never gets in.
    /// </summary>
    static bool TryLong(string key, out long value) =>
        long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) &&
        value >= MinTicks && value <= MaxTicks;

    /// <summary>Ranks are finite and never negative (ts_rank_cd answers neither NaN, infinity nor less than 0).</summary>
    static bool TryRank(string key, out double value) =>
        double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && value >= 0;
}
