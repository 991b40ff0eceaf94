using System.Text.Json.Serialization;

namespace Inbox.Features.Webhooks.Receivers.Test;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
}
