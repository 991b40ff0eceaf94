using System.Text.Json.Serialization;

namespace Inbox.Features.Tickets.Get;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
}
