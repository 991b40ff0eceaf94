using System.Text.Json;
using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;
using Inbox.Features.Shapes;

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

/// <summary>
/// Tells a connection it may have missed events (this instance lost its backplane link for a moment): the client
/// catches up each subscription with <c>GET …/messages?after=</c> and refreshes counts and presence.
/// </summary>
public sealed record ResyncFrame(string Reason) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "resync";
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

public sealed record TicketUpdatedFrame(Inbox.Features.Tickets.TicketResponse Ticket) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "ticket.updated";
}

public sealed record ContactUpdatedFrame(ContactDetails Contact) : ServerFrame
{
    [JsonPropertyOrder(-1)] public override string Type => "contact.updated";
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
[JsonSerializable(typeof(ResyncFrame))]
[JsonSerializable(typeof(MessageCreatedFrame))]
[JsonSerializable(typeof(ConversationUpdatedFrame))]
[JsonSerializable(typeof(ReadUpdatedFrame))]
[JsonSerializable(typeof(UnreadUpdatedFrame))]
[JsonSerializable(typeof(TicketUpdatedFrame))]
[JsonSerializable(typeof(ContactUpdatedFrame))]
public sealed partial class FrameJsonContext : JsonSerializerContext;

public static class FrameBytes
{
    public static byte[] Of<T>(T frame) where T : ServerFrame =>
        JsonSerializer.SerializeToUtf8Bytes(frame, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)FrameJsonContext.Default.GetTypeInfo(typeof(T))!);
}
