using Inbox.Infrastructure.Json;

namespace Inbox.Features.Search.Messages;

public sealed class Request : PageQuery
{
    public const int MaxQueryLength = 200;
    public const string Relevance = "relevance";
    public const string Recent = "recent";

    [QueryParam] public string? Q { get; set; }
    [QueryParam] public Guid? ConversationId { get; set; }
    [QueryParam] public string? From { get; set; }
    [QueryParam] public string? To { get; set; }
    /// <summary><c>relevance</c> (the default) or <c>recent</c>.</summary>
    [QueryParam] public string? Sort { get; set; }

    public Instant? FromInstant => From is null ? null : InstantJsonConverter.Parse(From);
    public Instant? ToInstant => To is null ? null : InstantJsonConverter.Parse(To);
    public bool ByRecency => Sort == Recent;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            // The shared page rules, but for the search's own cursors: one kind per sort, so a cursor of the other
            // sort is refused (KeysetCursor's kinds do not apply here).
            RuleFor(x => x.Limit).InclusiveBetween(1, MaxLimit).When(x => x.Limit is not null);
            RuleFor(x => x.Sort).Must(s => s is Relevance or Recent).When(x => x.Sort is not null)
                .WithMessage($"'sort' must be '{Relevance}' or '{Recent}'.");
            RuleFor(x => x.Cursor)
                .Must((r, c) => r.ByRecency ? SearchCursor.DecodeRecent(c) is not null : SearchCursor.DecodeRelevance(c) is not null)
                .When(x => x.Cursor is not null && x.Sort is null or Relevance or Recent)
                .WithMessage(KeysetCursor.InvalidMessage + " (A cursor pages only the sort it came from.)");
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
