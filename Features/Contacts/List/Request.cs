namespace Inbox.Features.Contacts.List;

public sealed class Request : PageQuery
{
    public const int MaxQueryLength = 200;

    /// <summary>Matches the start of any word of the name or company, or the start of the email or phone.</summary>
    [QueryParam] public string? Q { get; set; }
    [QueryParam] public string? LeadStatus { get; set; }
    [QueryParam] public Guid? OwnerId { get; set; }
    [QueryParam] public string? Source { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules();
            RuleFor(x => x.Q).NotEmpty().MaximumLength(MaxQueryLength).When(x => x.Q is not null);
            RuleFor(x => x.LeadStatus).Must(Contacts.LeadStatus.IsKnown)
                .WithMessage($"'leadStatus' must be one of: {string.Join(", ", Contacts.LeadStatus.All)}.").When(x => x.LeadStatus is not null);
            RuleFor(x => x.OwnerId).IdFilter("ownerId");
            RuleFor(x => x.Source).NotEmpty().MaximumLength(ContactRules.MaxSourceLength).When(x => x.Source is not null);
        }
    }
}
