using Inbox.Infrastructure.Events;
using Inbox.Features.Shapes;
using Inbox.Features.Events;

namespace Inbox.Features.ReadReceipts.Mark;

public enum MarkReadOutcome { Marked, ConversationNotFound, MessageNotFound }

/// <summary>
/// Marking read, as one operation: <c>POST /api/conversations/{id}/read</c> and the WebSocket <c>read</c> frame
/// (which the contract defines as "the same") both run exactly this, so they cannot drift apart.
/// </summary>
public static class MarkRead
{
    public static async Task<(MarkReadOutcome Outcome, ReceiptResponse? Receipt)> RunAsync(
        InboxDb db, IInboxEvents events, Guid accountId, Guid userId, Guid conversationId, Guid? messageId, Instant now, CancellationToken ct)
    {
        var target = await Data.LatestAsync(db, accountId, conversationId, ct);
        if (target is null) return (MarkReadOutcome.ConversationNotFound, null);
        if (messageId is { } id)
        {
            target = await Data.MessageAsync(db, accountId, conversationId, id, ct);
            if (target is null) return (MarkReadOutcome.MessageNotFound, null);
        }

        var moved = await Data.MoveForwardAsync(db, accountId, conversationId, userId, target, now, ct);
        var receipt = ReceiptResponse.From(await Data.ReceiptAsync(db, accountId, conversationId, userId, ct));
        if (moved)
            events.Publish(new ReadUpdated(accountId, receipt));
        return (MarkReadOutcome.Marked, receipt);
    }
}
