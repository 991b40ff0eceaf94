namespace Inbox.Features.Webhooks.Notifications.Replay;

public sealed class Request
{
    public Guid Id { get; set; }
}
