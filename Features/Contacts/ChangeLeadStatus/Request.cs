using System.Text.Json.Serialization;

namespace Inbox.Features.Contacts.ChangeLeadStatus;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    public string? Status { get; set; }
    public string? Note { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Status).NotEmpty().Must(LeadStatus.IsKnown)
                .WithMessage($"'status' must be one of: {string.Join(", ", LeadStatus.All)}.");
            RuleFor(x => x.Note).MaximumLength(ContactRules.MaxNoteLength);
        }
    }
}
