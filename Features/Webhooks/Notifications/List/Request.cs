namespace Inbox.Features.Webhooks.Notifications.List;

public sealed class Request : PageQuery
{
    public const int MaxEventTypeLength = 64;

    [QueryParam] public Guid? TicketId { get; set; }
    [QueryParam] public Guid? ContactId { get; set; }
    [QueryParam] public Guid? EndpointId { get; set; }
    [QueryParam] public string? EventType { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules();
            RuleFor(x => x.TicketId).IdFilter("ticketId");
            RuleFor(x => x.ContactId).IdFilter("contactId");
            RuleFor(x => x.EndpointId).IdFilter("endpointId");
            RuleFor(x => x.EventType).NotEmpty().MaximumLength(MaxEventTypeLength).When(x => x.EventType is not null);
        }
    }
}
