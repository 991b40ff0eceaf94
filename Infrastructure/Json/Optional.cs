using System.Text.Json;
using System.Text.Json.Serialization;

namespace Inbox.Infrastructure.Json;

/// <summary>
/// A PATCH field that tells "absent" from "null": a property missing from the body keeps the default
/// (<see cref="IsSet"/> false), a property present, even as <c>null</c>, is set. Every PATCH body of the service
/// uses it, so "absent keeps, null clears" reads the same on every route.
/// A field that cannot be cleared is an <c>Optional&lt;T?&gt;</c> whose validator refuses a null
/// <see cref="Value"/> when <see cref="IsSet"/>; a wrong JSON type fails inside the value's own converter, so
/// the 400 names the field.
/// <para>
/// Mark each such property <c>[DontBind(Source.QueryParam | Source.RouteParam)]</c>: FastEndpoints would
/// otherwise also try to fill it from a same-named query parameter, parsing that as JSON.
/// </para>
/// </summary>
[JsonConverter(typeof(OptionalConverterFactory))]
public readonly struct Optional<T>
{
    public Optional(T value)
    {
        Value = value;
        IsSet = true;
    }

    public bool IsSet { get; }
    public T Value { get; }
}

public sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        // The serializer calls Read only for properties present in the body, and must do so for a JSON null too.
        public override bool HandleNull => true;

        // The value's own converter, not a nested JsonSerializer.Deserialize: an error inside it then carries this
        // property's path (a 400 naming "title"), where a nested call would report the root ("body").
        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null
                ? default(T) is null ? new(default!) : throw new JsonException()
                : new(((JsonConverter<T>)options.GetConverter(typeof(T))).Read(ref reader, typeof(T), options)!);

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
