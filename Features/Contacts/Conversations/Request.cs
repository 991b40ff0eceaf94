using System.Text.Json.Serialization;

namespace Inbox.Features.Contacts.Conversations;

public sealed class Request : PageQuery
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPageRules();
    }
}
