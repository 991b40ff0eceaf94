namespace Inbox.Features.Webhooks.Receivers.Delete;

public sealed class Request
{
    public Guid Id { get; set; }
}
