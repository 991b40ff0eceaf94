namespace Inbox.Features.Webhooks.Receivers.Create;

public sealed class Request
{
    public const int MaxEvents = 10;

    public string? Url { get; set; }
    public string?[]? Events { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Url).NotEmpty().MaximumLength(WebhookUrl.MaxLength);
            RuleFor(x => x.Events).NotEmpty().Must(e => e is null || e.Length <= MaxEvents).WithMessage($"'{{PropertyName}}' must not list more than {MaxEvents} events.");
            RuleForEach(x => x.Events).Must(e => e is not null && WebhookEvents.Subscribable.Contains(e))
                .WithMessage($"Each event must be one of: {string.Join(", ", WebhookEvents.Subscribable)}.");
        }
    }
}
