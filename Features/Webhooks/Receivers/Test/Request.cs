namespace Inbox.Features.Webhooks.Receivers.Test;

public sealed class Request
{
    public Guid Id { get; set; }
}
