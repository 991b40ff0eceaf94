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
    static readonly InstantPattern WirePattern = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'");

    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("Expected an ISO-8601 instant string such as 2026-11-24T05:17:50.123Z.");
        return Parse(reader.GetString()!) ?? throw new JsonException("Expected an ISO-8601 instant such as 2026-11-24T05:17:50.123Z.");
    }

    public static Instant? Parse(string text)
    {
        var instant = InstantPattern.ExtendedIso.Parse(text);
        if (instant.Success) return instant.Value;
        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        return offset.Success ? offset.Value.ToInstant() : null;
    }

    public static string Format(Instant value) => WirePattern.Format(value);

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}

public static class JsonSetup
{
    /// <summary>The one place that shapes the service's JSON: camelCase, instants as above, enums as strings.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new InstantJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }
}
