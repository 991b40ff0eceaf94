namespace Inbox.Features.Webhooks.Notifications.List;

public sealed class Request : PageQuery
{
    [QueryParam] public Guid? TicketId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPageRules();
    }
}
