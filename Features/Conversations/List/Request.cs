namespace Inbox.Features.Conversations.List;

public sealed class Request : PageQuery
{
    [QueryParam] public string? Status { get; set; }
    [QueryParam] public Guid? AssigneeId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules();
            RuleFor(x => x.AssigneeId).IdFilter("assigneeId");
            RuleFor(x => x.Status).Must(s => ConversationStatus.All.Contains(s))
                .WithMessage("'status' must be \"open\", \"pending\" or \"resolved\".")
                .When(x => x.Status is not null);
        }
    }
}
