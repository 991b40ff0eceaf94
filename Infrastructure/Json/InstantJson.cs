using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime.Text;

namespace Inbox.Infrastructure.Json;

/// <summary>
/// Instants on the wire are ISO-8601 UTC with exactly three fractional digits and a Z
/// (<c>2026-11-24T05:17:50.123Z</c>), as the contract shows. Reading accepts any ISO-8601 instant, or an
/// offset date-time, which clients send for <c>scheduledAt</c> and search ranges.
/// </summary>
public sealed class InstantJsonConverter : JsonConverter<Instant>
{
    /// <summary>
    /// The instants any input may name: years 1 to 9999. NodaTime reaches back to year -9998 and PostgreSQL to
    /// 4713 BC, and an offset can push an instant past 9999; outside this range a value fails in NodaTime, in Npgsql
    /// or in PostgreSQL (a 500), and no client means a date there. Fields with tighter rules check them on top.
    /// </summary>
    public static readonly Instant MinValue = Instant.FromUtc(1, 1, 1, 0, 0);
    public static readonly Instant MaxValue = Instant.FromUtc(9999, 12, 31, 23, 59, 59) + Duration.FromNanoseconds(999_999_000);

    public const string Expected = "an ISO-8601 instant such as 2026-11-24T05:17:50.123Z, between the years 1 and 9999";

    static readonly InstantPattern WirePattern = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'");

    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonValueException($"Expected {Expected}.");
        return Parse(reader.GetString()!) ?? throw new JsonValueException($"Expected {Expected}.");
    }

    /// <summary>The instant <paramref name="text"/> names, or null when it is not one or lies outside <see cref="MinValue"/>..<see cref="MaxValue"/>.</summary>
    public static Instant? Parse(string text)
    {
        Instant? parsed = null;
        var instant = InstantPattern.ExtendedIso.Parse(text);
        if (instant.Success) parsed = instant.Value;
        else
        {
            var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
            if (offset.Success) parsed = ToInstantOrNull(offset.Value);
        }
        return parsed >= MinValue && parsed <= MaxValue ? parsed : null;
    }

    /// <summary>An offset date-time at the edge of NodaTime's range may have no instant NodaTime can represent.</summary>
    static Instant? ToInstantOrNull(OffsetDateTime value)
    {
        try
        {
            return value.ToInstant();
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    public static string Format(Instant value) => WirePattern.Format(value);

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}

public static class JsonSetup
{
    /// <summary>
    /// Options configured as below, for code that serialises outside FastEndpoints (problem details written by
    /// middleware, webhook bodies). One shared instance: options cache their converters on first use.
    /// </summary>
    public static readonly JsonSerializerOptions Wire = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// The one place that shapes the service's JSON: camelCase, instants as above, enums as strings, and every
    /// string read checked (<see cref="TextRules"/>).
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // A body naming a field twice is ambiguous (parsers disagree on which value wins): refused, naming it.
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new CheckedStringJsonConverter());
        options.Converters.Add(new InstantJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }
}
