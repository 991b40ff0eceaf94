using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Search.Messages;

/// <summary>
/// A relevance page's position: the bound of the window the last row is in (that window's newest match, so
/// messages arriving later never shift it) and the last row's (rank, id) within the window.
/// </summary>
public readonly record struct RelevancePosition((Instant At, Guid Id) Window, double Rank, Guid Id);

/// <summary>
/// The search's own opaque cursor (base64url), one kind per sort, so a cursor of the other sort (or of another list)
/// is refused as a 400 rather than read as something it is not:
/// <c>relevance|window ticks|window id|rank|id</c> and <c>recent|ticks|id</c>. Decoding never throws, and accepts
/// only keys the statements can compare with (an instant PostgreSQL can hold, a finite rank ≥ 0).
/// </summary>
public static class SearchCursor
{
    const string RelevanceTag = "relevance";
    const string RecentTag = "recent";

    public static string Encode(RelevancePosition p) =>
        Encode($"{RelevanceTag}|{Ticks(p.Window.At)}|{p.Window.Id:N}|{p.Rank.ToString("R", CultureInfo.InvariantCulture)}|{p.Id:N}");

    public static string Encode(Instant at, Guid id) => Encode($"{RecentTag}|{Ticks(at)}|{id:N}");

    public static RelevancePosition? DecodeRelevance(string? cursor) =>
        Parts(cursor, RelevanceTag, 5) is { } p && TryInstant(p[1], out var windowAt) && Guid.TryParseExact(p[2], "N", out var windowId)
            && TryRank(p[3], out var rank) && Guid.TryParseExact(p[4], "N", out var id)
            ? new RelevancePosition((windowAt, windowId), rank, id)
            : null;

    public static (Instant At, Guid Id)? DecodeRecent(string? cursor) =>
        Parts(cursor, RecentTag, 3) is { } p && TryInstant(p[1], out var at) && Guid.TryParseExact(p[2], "N", out var id)
            ? (at, id)
            : null;

    static string Ticks(Instant at) => at.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture);

    static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static string[]? Parts(string? cursor, string tag, int count)
    {
        if (cursor is null || cursor.Length is 0 or > 200) return null;
        string text;
        try
        {
            text = StrictUtf8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
        var parts = text.Split('|');
        return parts.Length == count && parts[0] == tag ? parts : null;
    }

    static readonly long MinTicks = InstantJsonConverter.MinValue.ToUnixTimeTicks();
    static readonly long MaxTicks = InstantJsonConverter.MaxValue.ToUnixTimeTicks();

    static bool TryInstant(string key, out Instant at)
    {
        at = default;
        if (!long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks) || ticks < MinTicks || ticks > MaxTicks)
            return false;
        at = Instant.FromUnixTimeTicks(ticks);
        return true;
    }

    /// <summary>Ranks are finite and never negative (ts_rank_cd answers neither NaN, infinity nor less than 0).</summary>
    static bool TryRank(string key, out double value) =>
        double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && value >= 0;
}
