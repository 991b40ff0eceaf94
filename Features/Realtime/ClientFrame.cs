using System.Text.Json;

namespace Inbox.Features.Realtime;

/// <summary>
/// A client frame, read straight from the received bytes with <see cref="Utf8JsonReader"/>: no string per frame
/// except the few values that are kept (<c>ref</c>). Unknown fields are skipped. Whatever the bytes are, parsing
/// never throws: invalid JSON, a known field of the wrong type or an escaped lone surrogate all come back as
/// something to answer with an <c>error</c> frame (a client's garbage is not the server's failure).
/// </summary>
public struct ClientFrame
{
    public const int MaxRefLength = 100;

    public ClientFrameType Type;
    /// <summary>The client's <c>ref</c>, only when it is a valid string (it is echoed, so it must serialise back as sent).</summary>
    public string? Ref;
    public Guid? ConversationId;
    public bool ConversationIdIsNull;
    public Guid? MessageId;
    /// <summary><c>start</c>, <c>stop</c>, or "" for any other value (never a client's own string).</summary>
    public string? State;
    /// <summary>One of <see cref="PresenceStatus"/>'s settable values, or "" for any other value.</summary>
    public string? Status;
    /// <summary>Why a known field cannot be used (a wrong type, not a uuid, not valid text), or null.</summary>
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
                if (name.ValueIsEscaped && !IsValidText(ref name)) Bad(ref frame, "field names must be valid Unicode text");
                else if (name.ValueTextEquals("type"u8))
                {
                    if (reader.TokenType == JsonTokenType.String) frame.Type = TypeOf(ref reader);
                    else Bad(ref frame, "type must be a string");
                }
                else if (name.ValueTextEquals("ref"u8)) ReadRef(ref reader, ref frame);
                else if (name.ValueTextEquals("conversationId"u8))
                {
                    frame.ConversationIdIsNull = reader.TokenType == JsonTokenType.Null;
                    frame.ConversationId = GuidOf(ref reader);
                    if (frame.ConversationId is null && !frame.ConversationIdIsNull) Bad(ref frame, "conversationId must be a uuid");
                }
                else if (name.ValueTextEquals("messageId"u8))
                {
                    frame.MessageId = GuidOf(ref reader);
                    if (frame.MessageId is null && reader.TokenType != JsonTokenType.Null) Bad(ref frame, "messageId must be a uuid");
                }
                else if (name.ValueTextEquals("state"u8))
                {
                    if (reader.TokenType == JsonTokenType.String)
                        frame.State = reader.ValueTextEquals("start"u8) ? "start" : reader.ValueTextEquals("stop"u8) ? "stop" : "";
                    else Bad(ref frame, "state must be a string");
                }
                else if (name.ValueTextEquals("status"u8))
                {
                    if (reader.TokenType == JsonTokenType.String)
                        frame.Status = reader.ValueTextEquals("online"u8) ? PresenceStatus.Online
                            : reader.ValueTextEquals("away"u8) ? PresenceStatus.Away
                            : reader.ValueTextEquals("busy"u8) ? PresenceStatus.Busy
                            : "";
                    else Bad(ref frame, "status must be a string");
                }
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
        catch (InvalidOperationException)
        {
            // Text the reader can tokenise but not decode (invalid UTF-8, an escaped lone surrogate) in a value this
            // parser decodes; the known fields handle that themselves, so this is a last line of defence.
            error = "the frame holds text that is not valid Unicode";
            return false;
        }
    }

    static void Bad(ref ClientFrame frame, string why) => frame.BadField ??= why;

    /// <summary>
    /// Keeps <c>ref</c> only when it decodes to valid Unicode: an escaped lone surrogate (<c>"\ud800"</c>) or invalid
    /// UTF-8 is refused rather than echoed, since the echo would not be the same text.
    /// </summary>
    static void ReadRef(ref Utf8JsonReader reader, ref ClientFrame frame)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        if (reader.TokenType != JsonTokenType.String)
        {
            Bad(ref frame, "ref must be a string");
            return;
        }
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            Bad(ref frame, "ref must be valid Unicode text");
            return;
        }
        if (!IsValidUtf16(value))
        {
            Bad(ref frame, "ref must be valid Unicode text");
            return;
        }
        frame.Ref = Truncate(value);
    }

    /// <summary>Whether an escaped string decodes to valid UTF-16 (only escaped names get here: rare, so the string is fine).</summary>
    static bool IsValidText(ref Utf8JsonReader reader)
    {
        try
        {
            return IsValidUtf16(reader.GetString()!);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    static bool IsValidUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(value[i])) return false;
        }
        return true;
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
        reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped &&
        System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out Guid id, out var consumed) && consumed == reader.ValueSpan.Length
            ? id
            : null;

    /// <summary>Long refs are cut, never inside a surrogate pair (half a pair would not serialise back as text).</summary>
    static string Truncate(string value)
    {
        if (value.Length <= MaxRefLength) return value;
        var length = char.IsHighSurrogate(value[MaxRefLength - 1]) ? MaxRefLength - 1 : MaxRefLength;
        return value[..length];
    }
}

/// <summary>What a client frame asks; <see cref="Missing"/> when it has no <c>type</c>.</summary>
public enum ClientFrameType { Missing, Unknown, Subscribe, Unsubscribe, Typing, Presence, View, Read, Ping }
