namespace Inbox.Features.Tickets.List;

public sealed class Request : PageQuery
{
    [QueryParam] public string? Status { get; set; }
    [QueryParam] public Guid? AssigneeId { get; set; }
    [QueryParam] public Guid? MachineId { get; set; }
    /// <summary><c>true</c>: only overdue tickets; <c>false</c>: only tickets that are not; absent: both.</summary>
    [QueryParam] public bool? Overdue { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules();
            RuleFor(x => x.AssigneeId).IdFilter("assigneeId");
            RuleFor(x => x.MachineId).IdFilter("machineId");
            RuleFor(x => x.Status).Must(TicketStatus.IsKnown).When(x => x.Status is not null)
                .WithMessage($"'{{PropertyName}}' must be one of: {string.Join(", ", TicketStatus.All)}.");
        }
    }
}
