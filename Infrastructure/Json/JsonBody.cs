using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Inbox.Infrastructure.Json;

/// <summary>
/// How request bodies are read (FastEndpoints' <c>RequestDeserializer</c>). Two things the serializer alone lets
/// through are refused as a 400 naming <c>body</c>: bytes that are not UTF-8 (the reader only checks the strings
/// it decodes, so invalid bytes in a field the route ignores, or an encoded lone surrogate, would pass), and a
/// body that is JSON <c>null</c> rather than an object (which would bind as if every field were left out).
/// Bodies are at most 1 MiB (ErrorHandling), so reading one whole is cheap.
/// </summary>
public static class JsonBody
{
    public static Func<HttpRequest, Type, JsonSerializerContext?, CancellationToken, ValueTask<object?>> Deserializer(JsonSerializerOptions options) =>
        (request, type, context, ct) => DeserializeAsync(request, type, context?.Options ?? options, ct);

    static async ValueTask<object?> DeserializeAsync(HttpRequest request, Type type, JsonSerializerOptions options, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        // A UTF-8 byte order mark is allowed before JSON text (RFC 8259 §8.1); the span reader does not skip it.
        if (bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        if (bytes.Length == 0) return null;
        if (!Utf8.IsValid(bytes.Span))
            throw new JsonValueException("The body is not valid UTF-8.");
        return JsonSerializer.Deserialize(bytes.Span, type, options)
            ?? throw new JsonValueException("The body must be a JSON object, not null.");
    }
}
