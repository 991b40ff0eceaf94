using System.Text.Json.Serialization;

namespace Inbox.Features.Tickets.ChangeStatus;

public sealed class Request
{
    public const int MaxNoteLength = 2_000;

    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    public string? Status { get; set; }
    public string? Note { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Status).NotEmpty()
                .Must(TicketStatus.IsKnown).WithMessage($"'{{PropertyName}}' must be one of: {string.Join(", ", TicketStatus.All)}.");
            RuleFor(x => x.Note).MaximumLength(MaxNoteLength);
        }
    }
}
