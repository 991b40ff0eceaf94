namespace Inbox.Features.Tickets.Open;

public sealed class Request
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public Guid? MachineId { get; set; }
    public string? Priority { get; set; }
    public Instant? ScheduledAt { get; set; }
    public Guid? AssigneeId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Title).ValidTitle();
            RuleFor(x => x.Description).ValidDescription();
            RuleFor(x => x.Priority).ValidPriority().When(x => x.Priority is not null);
            RuleFor(x => x.ScheduledAt).ValidScheduledAt();
        }
    }
}
