using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Tickets.Edit;

/// <summary>
/// Only the fields present in the body change. <c>null</c> clears <c>description</c>, <c>machineId</c>,
/// <c>scheduledAt</c> and <c>assigneeId</c>; <c>title</c> and <c>priority</c> cannot be cleared. The status
/// has its own route, which enforces the workflow and keeps the history. The fields come from the JSON body
/// only: FastEndpoints would otherwise also fill them from same-named query parameters.
/// </summary>
public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Title { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Description { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Priority { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<Guid?> MachineId { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<Instant?> ScheduledAt { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<Guid?> AssigneeId { get; set; }

    public bool ChangesNothing =>
        !Title.IsSet && !Description.IsSet && !Priority.IsSet && !MachineId.IsSet && !ScheduledAt.IsSet && !AssigneeId.IsSet;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Title.Value).ValidTitle().OverridePropertyName("title").When(x => x.Title.IsSet);
            RuleFor(x => x.Description.Value).ValidDescription().OverridePropertyName("description").When(x => x.Description.IsSet);
            RuleFor(x => x.Priority.Value).ValidPriority().OverridePropertyName("priority").When(x => x.Priority.IsSet);
            RuleFor(x => x.ScheduledAt.Value).ValidScheduledAt().OverridePropertyName("scheduledAt").When(x => x.ScheduledAt.IsSet);
        }
    }
}
