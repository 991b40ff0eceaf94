using System.Text.Json;
using System.Text.Json.Serialization;

namespace Inbox.Infrastructure.Json;

/// <summary>
/// A <see cref="JsonException"/> whose message is written for the client: it says what is wrong with the value
/// without .NET type names or parser positions. <see cref="Http.BindingErrors.FromJsonException"/> answers it
/// as a 400 naming the JSON path the serializer was reading.
/// </summary>
public sealed class JsonValueException(string message) : JsonException(message);

/// <summary>
/// What text the service accepts in a string, from JSON, the query string or a route. NUL characters are refused,
/// not stripped: PostgreSQL cannot store them in <c>text</c> (the insert would fail as a 500), and silently changing
/// what a client sent would store something it never wrote (and two different inputs could then collide on a
/// unique key). A lone UTF-16 surrogate is refused as well: it is not text, and it cannot be written back out as
/// UTF-8.
/// </summary>
public static class TextRules
{
    public const string NulMessage = "Must not contain NUL (U+0000) characters.";
    public const string InvalidUnicodeMessage = "Must be valid Unicode text (it holds a lone UTF-16 surrogate or invalid UTF-8).";

    /// <summary>Null when <paramref name="value"/> is acceptable text, else the reason it is not.</summary>
    public static string? Problem(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return NulMessage;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(c)) return InvalidUnicodeMessage;
        }
        return null;
    }
}

/// <summary>
/// Every JSON string the service reads, as a value or as a dictionary key, goes through <see cref="TextRules"/>,
/// so no string field of any request can carry a NUL or a lone surrogate to PostgreSQL.
/// </summary>
public sealed class CheckedStringJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonValueException("Expected a string.");
        return Checked(GetString(ref reader));
    }

    /// <summary>The reader refuses an escaped lone surrogate itself; this gives that refusal our message.</summary>
    static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new JsonValueException(TextRules.InvalidUnicodeMessage);
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Checked(GetString(ref reader));

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    static string Checked(string value) =>
        TextRules.Problem(value) is { } problem ? throw new JsonValueException(problem) : value;
}
