using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Conversations.Edit;

/// <summary>
/// A partial update: a field left out keeps its value; <c>"subject": null</c> clears the subject and
/// <c>"assigneeId": null</c> unassigns. A conversation always has a status, so <c>"status": null</c> reads as
/// leaving it out. The fields come from the JSON body only: FastEndpoints would otherwise also fill them from
/// same-named query parameters.
/// </summary>
public sealed class Request
{
    public const int MaxSubjectLength = ConversationRules.MaxSubjectLength;

    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }

    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Subject { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Status { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<Guid?> AssigneeId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x).Must(x => x.Subject.IsSet || x.Status.Value is not null || x.AssigneeId.IsSet)
                .WithMessage("Give at least one of subject, status or assigneeId.");
            RuleFor(x => x.Subject.Value).MaximumLength(MaxSubjectLength).OverridePropertyName("subject");
            RuleFor(x => x.Status.Value).Must(s => ConversationStatus.All.Contains(s))
                .WithMessage("'status' must be \"open\", \"pending\" or \"resolved\".")
                .OverridePropertyName("status")
                .When(x => x.Status.Value is not null);
            RuleFor(x => x.AssigneeId.Value).NotEqual(Guid.Empty).WithMessage("'assigneeId' must be the id of a user.")
                .OverridePropertyName("assigneeId")
                .When(x => x.AssigneeId.Value is not null);
        }
    }
}
