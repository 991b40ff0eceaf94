using System.Text.Json.Serialization;

namespace Inbox.Features.Messages.List;

public sealed class Request : PageQuery
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    /// <summary>Catch-up after a reconnect: the messages after this one, oldest first.</summary>
    [QueryParam] public Guid? After { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules(CursorKind.Long);
            RuleFor(x => x.After).IdFilter("after");
            RuleFor(x => x.After).Null()
                .When(x => x.Cursor is not null)
                .WithMessage("Give either 'after' or 'cursor', not both: the next page of a catch-up is its nextCursor alone.");
        }
    }
}
