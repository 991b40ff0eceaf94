using System.Text.Json.Serialization;

namespace Inbox.Features.Contacts.Get;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
}
