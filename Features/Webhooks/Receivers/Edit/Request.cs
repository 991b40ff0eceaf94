using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Webhooks.Receivers.Edit;

/// <summary>A partial update of an endpoint: a field left out keeps its value; none of them can be cleared (null is a 400).</summary>
public sealed class Request
{
    public const int MaxEvents = 10;

    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }

    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Url { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?[]?> Events { get; set; }
    /// <summary>true re-enables an endpoint a 410 Gone disabled (and clears that state); false pauses it.</summary>
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<bool?> Enabled { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Url.Value).NotEmpty().MaximumLength(WebhookUrl.MaxLength).OverridePropertyName("url").When(x => x.Url.IsSet);
            RuleFor(x => x.Events.Value).NotEmpty()
                .Must(e => e is null || e.Length <= MaxEvents).WithMessage($"'events' must not list more than {MaxEvents} events.")
                .OverridePropertyName("events").When(x => x.Events.IsSet);
            RuleForEach(x => x.Events.Value).Must(e => e is not null && WebhookEvents.Subscribable.Contains(e))
                .WithMessage($"Each event must be one of: {string.Join(", ", WebhookEvents.Subscribable)}.")
                .OverridePropertyName("events").When(x => x.Events.IsSet && x.Events.Value is not null);
            RuleFor(x => x.Enabled.Value).NotNull().WithMessage("'enabled' must be true or false.").OverridePropertyName("enabled").When(x => x.Enabled.IsSet);
        }
    }
}
