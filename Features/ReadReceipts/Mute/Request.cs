using System.Text.Json.Serialization;

namespace Inbox.Features.ReadReceipts.Mute;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    public bool? Muted { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.Muted).NotNull().WithMessage("'muted' is required: true or false.");
    }
}
