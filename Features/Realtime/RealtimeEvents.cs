using Inbox.Infrastructure.Events;
using Inbox.Features.Events;

namespace Inbox.Features.Realtime;

/// <summary>
/// Turns the inbox events into frames: conversation events to the conversation's subscribers, unread counts to
/// the one user whose count changed, on all of their connections, and ticket changes to every connection of the account. Each frame is serialised once and broadcast
/// (this instance's sockets, and through the backplane the other instances').
/// </summary>
public sealed class RealtimeEvents(ConnectionRegistry registry) : IInboxEventSubscriber
{
    public ValueTask HandleAsync(InboxEvent e, CancellationToken ct)
    {
        switch (e)
        {
            case MessageCreated created:
                registry.Broadcast(Target.Subscribers(created.AccountId, created.ConversationId), FrameBytes.Of(new MessageCreatedFrame(created.ConversationId, created.Message)));
                break;
            case ConversationUpdated updated:
                registry.Broadcast(Target.Subscribers(updated.AccountId, updated.Conversation.Id), FrameBytes.Of(new ConversationUpdatedFrame(updated.Conversation)));
                break;
            case ReadUpdated read:
                registry.Broadcast(Target.Subscribers(read.AccountId, read.Receipt.ConversationId), FrameBytes.Of(new ReadUpdatedFrame(read.Receipt)));
                break;
            case UnreadUpdated unread:
                registry.Broadcast(Target.User(unread.AccountId, unread.UserId), FrameBytes.Of(new UnreadUpdatedFrame(unread.ConversationId, unread.UnreadCount, unread.Total)));
                break;
            case TicketUpdated ticket:
                registry.Broadcast(Target.Account(ticket.AccountId), FrameBytes.Of(new TicketUpdatedFrame(ticket.Ticket)));
                break;
            case ContactUpdated contact:
                registry.Broadcast(Target.Account(contact.AccountId), FrameBytes.Of(new ContactUpdatedFrame(contact.Contact)));
                break;
        }
        return ValueTask.CompletedTask;
    }
}
