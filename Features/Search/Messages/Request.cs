using Inbox.Infrastructure.Json;

namespace Inbox.Features.Search.Messages;

public sealed class Request : PageQuery
{
    public const int MaxQueryLength = 200;

    [QueryParam] public string? Q { get; set; }
    [QueryParam] public Guid? ConversationId { get; set; }
    [QueryParam] public string? From { get; set; }
    [QueryParam] public string? To { get; set; }

    public Instant? FromInstant => From is null ? null : InstantJsonConverter.Parse(From);
    public Instant? ToInstant => To is null ? null : InstantJsonConverter.Parse(To);

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules(CursorKind.Rank);
            RuleFor(x => x.ConversationId).IdFilter("conversationId");
            RuleFor(x => x.Q).NotEmpty().WithMessage("'q' is required: the words to search for.")
                .MaximumLength(MaxQueryLength);
            RuleFor(x => x.From).Must(v => InstantJsonConverter.Parse(v!) is not null).When(x => x.From is not null)
                .WithMessage($"'from' must be {InstantJsonConverter.Expected}.");
            RuleFor(x => x.To).Must(v => InstantJsonConverter.Parse(v!) is not null).When(x => x.To is not null)
                .WithMessage($"'to' must be {InstantJsonConverter.Expected}.");
            RuleFor(x => x.To).Must((r, _) => r.FromInstant is null || r.ToInstant is null || r.FromInstant < r.ToInstant)
                .When(x => x.From is not null && x.To is not null)
                .WithMessage("'to' must be after 'from'.");
        }
    }
}
