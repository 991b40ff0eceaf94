using Inbox.Features.ReadReceipts;
using Inbox.Features.ReadReceipts.Mark;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Realtime;

/// <summary>
/// What each client frame does. Every answer echoes the frame's <c>ref</c> (when it is a valid string). Nothing a
/// client writes in a frame ends its connection: only its size (1009), its rate (<see cref="FrameRateLimit"/>) and a
/// frame left incomplete (1002) do. Answers go through <see cref="Connection.ReplyAsync"/>, which holds this loop
/// while the client does not read them.
/// </summary>
public sealed class FrameHandler(ConnectionRegistry registry, InboxDatabase database, IInboxEvents events, IClock clock, ILogger<FrameHandler> logger)
{
    static readonly byte[] Pong = FrameBytes.Of(new PongFrame(null));

    public async Task HandleAsync(Connection connection, ReadOnlyMemory<byte> json)
    {
        if (!ClientFrame.TryParse(json.Span, out var frame, out var error))
        {
            // A client's garbage is answered, not logged: at most a debug line, never a stack trace.
            logger.LogDebug("Connection {ConnectionId} sent an unreadable frame: {Error}", connection.Id, error);
            await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("bad_frame", error!, frame.Ref)));
            return;
        }

        if (frame.BadField is not null)
        {
            logger.LogDebug("Connection {ConnectionId} sent a frame with a bad field: {Error}", connection.Id, frame.BadField);
            await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("bad_frame", frame.BadField, frame.Ref)));
            return;
        }

        try
        {
            await HandleAsync(connection, frame.Type, frame.Ref, frame.ConversationId, frame.ConversationIdIsNull, frame.MessageId, frame.State, frame.Status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Frame {Type} failed on connection {ConnectionId}", frame.Type, connection.Id);
            await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("internal", "the frame could not be handled", frame.Ref)));
        }
    }

    async Task HandleAsync(Connection connection, ClientFrameType type, string? reference, Guid? conversationId, bool conversationIdIsNull, Guid? messageId, string? state, string? status)
    {
        switch (type)
        {
            case ClientFrameType.Ping:
                await connection.ReplyAsync(reference is null ? Pong : FrameBytes.Of(new PongFrame(reference)));
                return;

            case ClientFrameType.Subscribe when conversationId is { } id:
                if (!await ExistsAsync(connection, id))
                {
                    await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("not_found", "no such conversation", reference)));
                    return;
                }
                registry.Subscribe(connection, id);
                await connection.ReplyAsync(FrameBytes.Of(new SubscribedFrame(id, reference)));
                return;

            case ClientFrameType.Unsubscribe when conversationId is { } id:
                registry.Unsubscribe(connection, id);
                await connection.ReplyAsync(FrameBytes.Of(new UnsubscribedFrame(id, reference)));
                return;

            case ClientFrameType.Typing when conversationId is { } id && state is "start" or "stop":
                if (!registry.IsSubscribed(connection, id))
                {
                    await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("not_subscribed", "subscribe to the conversation before typing in it", reference)));
                    return;
                }
                registry.Typing(connection, id, state == "start");
                return;

            case ClientFrameType.Presence when status is PresenceStatus.Online or PresenceStatus.Away or PresenceStatus.Busy:
                registry.SetStatus(connection, status);
                return;

            case ClientFrameType.View when conversationId is not null || conversationIdIsNull:
                if (conversationId is { } viewed && !await ExistsAsync(connection, viewed))
                {
                    await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("not_found", "no such conversation", reference)));
                    return;
                }
                registry.View(connection, conversationId);
                return;

            case ClientFrameType.Read when conversationId is { } id:
                await using (var db = database.Open())
                {
                    var (outcome, _) = await MarkRead.RunAsync(db, events, connection.AccountId, connection.UserId, id, messageId, clock.NowForDatabase(), CancellationToken.None);
                    // Marked: the read.updated broadcast is the answer; subscribers, this connection among them, get it.
                    if (outcome == MarkReadOutcome.ConversationNotFound)
                        await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("not_found", "no such conversation", reference)));
                    else if (outcome == MarkReadOutcome.MessageNotFound)
                        await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("not_found", "no such message in this conversation", reference)));
                }
                return;

            case ClientFrameType.Missing:
                await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("bad_frame", "the frame has no type", reference)));
                return;

            case ClientFrameType.Unknown:
                await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("unknown_type", "unknown frame type", reference)));
                return;

            default:
                await connection.ReplyAsync(FrameBytes.Of(new ErrorFrame("bad_frame", $"the {type.ToString().ToLowerInvariant()} frame is missing a field or has a wrong value", reference)));
                return;
        }
    }

    async Task<bool> ExistsAsync(Connection connection, Guid conversationId)
    {
        await using var db = database.Open();
        return await Data.ConversationExistsAsync(db, connection.AccountId, conversationId, CancellationToken.None);
    }
}
