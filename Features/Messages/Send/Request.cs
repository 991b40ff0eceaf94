using System.Text.Json.Serialization;

namespace Inbox.Features.Messages.Send;

public sealed class Request
{
    public const int MaxBodyLength = 10_000;

    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    public string Body { get; set; } = "";
    /// <summary>Default: <c>outgoing</c> for a user, <c>incoming</c> for an API key.</summary>
    public string? Direction { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Body).NotEmpty().MaximumLength(MaxBodyLength);
            RuleFor(x => x.Direction).Must(d => MessageDirection.All.Contains(d))
                .WithMessage("'direction' must be \"incoming\" or \"outgoing\".")
                .When(x => x.Direction is not null);
        }
    }
}
