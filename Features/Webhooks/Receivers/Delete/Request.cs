using System.Text.Json.Serialization;

namespace Inbox.Features.Webhooks.Receivers.Delete;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
}
