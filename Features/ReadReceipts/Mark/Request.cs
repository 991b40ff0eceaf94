using System.Text.Json.Serialization;

namespace Inbox.Features.ReadReceipts.Mark;

public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    /// <summary>Read up to and including this message; the conversation's latest message when left out.</summary>
    public Guid? MessageId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.MessageId).NotEqual(Guid.Empty).WithMessage("'messageId' must be the id of a message.").When(x => x.MessageId is not null);
    }
}
