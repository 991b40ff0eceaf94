using System.Text.Json;
using System.Text.Json.Serialization;
using Inbox.Features.Conversations;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Realtime;

/// <summary>A frame the server sends. <c>type</c> is written first, as the contract shows it.</summary>
public abstract record ServerFrame
{
    [JsonPropertyOrder(-1)] public abstract string Type { get; }
}

public sealed record HelloFrame(Guid ConnectionId, Guid UserId, int HeartbeatSeconds, Instant ServerTime) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "hello";
}

public sealed record SubscribedFrame(Guid ConversationId, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ref) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "subscribed";
}

public sealed record UnsubscribedFrame(Guid ConversationId, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ref) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "unsubscribed";
}

public sealed record TypingFrame(Guid ConversationId, Guid UserId, string Name, string State) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "typing";
}

public sealed record PresenceFrame(Guid UserId, string Status, Instant? LastSeenAt) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "presence";
}

public sealed record ViewingFrame(Guid ConversationId, IReadOnlyList<Guid> UserIds) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "viewing";
}

public sealed record PongFrame([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ref) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "pong";
}

public sealed record ErrorFrame(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ref) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "error";
}

public sealed record MessageCreatedFrame(Guid ConversationId, MessageResponse Message) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "message.created";
}

public sealed record ConversationUpdatedFrame(ConversationView Conversation) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "conversation.updated";
}

public sealed record ReadUpdatedFrame(ReceiptResponse Receipt) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "read.updated";
}

public sealed record UnreadUpdatedFrame(Guid ConversationId, long UnreadCount, long Total) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "unread.updated";
}

/// <summary>
/// Source-generated serialisation for the frames: no reflection per frame. A broadcast is serialised once and the
/// same bytes are queued to every recipient.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, Converters = [typeof(InstantJsonConverter)])]
[JsonSerializable(typeof(HelloFrame))]
[JsonSerializable(typeof(SubscribedFrame))]
[JsonSerializable(typeof(UnsubscribedFrame))]
[JsonSerializable(typeof(TypingFrame))]
[JsonSerializable(typeof(PresenceFrame))]
[JsonSerializable(typeof(ViewingFrame))]
[JsonSerializable(typeof(PongFrame))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(MessageCreatedFrame))]
[JsonSerializable(typeof(ConversationUpdatedFrame))]
[JsonSerializable(typeof(ReadUpdatedFrame))]
[JsonSerializable(typeof(UnreadUpdatedFrame))]
public sealed partial class FrameJsonContext : JsonSerializerContext;

public static class FrameBytes
{
    public static byte[] Of<T>(T frame) where T : ServerFrame =>
        JsonSerializer.SerializeToUtf8Bytes(frame, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)FrameJsonContext.Default.GetTypeInfo(typeof(T))!);
}

/// <summary>
/// A client frame, read straight from the received bytes with <see cref="Utf8JsonReader"/>: no string per frame
/// except the few values that are kept (<c>ref</c>). Unknown fields are skipped.
/// </summary>
public struct ClientFrame
{
    public ClientFrameType Type;
    public string? Ref;
    public Guid? ConversationId;
    public bool ConversationIdIsNull;
    public Guid? MessageId;
    public string? State;
    public string? Status;
    /// <summary>A known id field whose value is not a uuid (or null where null is allowed).</summary>
    public string? BadField;

    public static bool TryParse(ReadOnlySpan<byte> json, out ClientFrame frame, out string? error)
    {
        frame = default;
        error = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "a frame is a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader;
                reader.Read();
                if (name.ValueTextEquals("type"u8)) frame.Type = reader.TokenType == JsonTokenType.String ? TypeOf(ref reader) : ClientFrameType.Unknown;
                else if (name.ValueTextEquals("ref"u8)) frame.Ref = reader.TokenType == JsonTokenType.String ? Truncate(reader.GetString()) : null;
                else if (name.ValueTextEquals("conversationId"u8))
                {
                    frame.ConversationIdIsNull = reader.TokenType == JsonTokenType.Null;
                    frame.ConversationId = GuidOf(ref reader);
                    if (frame.ConversationId is null && !frame.ConversationIdIsNull) frame.BadField = "conversationId";
                }
                else if (name.ValueTextEquals("messageId"u8))
                {
                    frame.MessageId = GuidOf(ref reader);
                    if (frame.MessageId is null && reader.TokenType != JsonTokenType.Null) frame.BadField = "messageId";
                }
                else if (name.ValueTextEquals("state"u8)) frame.State = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                else if (name.ValueTextEquals("status"u8)) frame.Status = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                else reader.Skip();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "a frame is one JSON object";
                return false;
            }
            return true;
        }
        catch (JsonException)
        {
            error = "the frame is not valid JSON";
            return false;
        }
    }

    static ClientFrameType TypeOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("subscribe"u8) ? ClientFrameType.Subscribe :
        reader.ValueTextEquals("unsubscribe"u8) ? ClientFrameType.Unsubscribe :
        reader.ValueTextEquals("typing"u8) ? ClientFrameType.Typing :
        reader.ValueTextEquals("presence"u8) ? ClientFrameType.Presence :
        reader.ValueTextEquals("view"u8) ? ClientFrameType.View :
        reader.ValueTextEquals("read"u8) ? ClientFrameType.Read :
        reader.ValueTextEquals("ping"u8) ? ClientFrameType.Ping :
        ClientFrameType.Unknown;

    static Guid? GuidOf(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out Guid id, out var consumed) && consumed == reader.ValueSpan.Length
            ? id
            : null;

    static string? Truncate(string? value) => value is { Length: > 100 } ? value[..100] : value;
}

public enum ClientFrameType { Missing, Unknown, Subscribe, Unsubscribe, Typing, Presence, View, Read, Ping }
