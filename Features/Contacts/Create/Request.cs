namespace Inbox.Features.Contacts.Create;

public sealed class Request
{
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? ExternalId { get; set; }
    public string? Company { get; set; }
    public string? Notes { get; set; }
    public Dictionary<string, string?>? Fields { get; set; }
    public string? LeadCode { get; set; }
    public string? LeadStatus { get; set; }
    public string? Source { get; set; }
    public int? Score { get; set; }
    public Guid? OwnerId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x)
                .Must(x => new[] { x.Name, x.Email, x.Phone, x.ExternalId }.Any(v => !string.IsNullOrWhiteSpace(v)))
                .WithMessage("A contact needs at least one of name, email, phone or externalId.");
            RuleFor(x => x.Name).MaximumLength(ContactRules.MaxNameLength);
            RuleFor(x => x.Email!).MaximumLength(ContactRules.MaxEmailLength).EmailAddress().When(x => !string.IsNullOrWhiteSpace(x.Email));
            RuleFor(x => x.Phone).MaximumLength(ContactRules.MaxPhoneInputLength);
            RuleFor(x => x.ExternalId).MaximumLength(ContactRules.MaxExternalIdLength);
            RuleFor(x => x.Company).MaximumLength(ContactRules.MaxCompanyLength);
            RuleFor(x => x.Notes).MaximumLength(ContactRules.MaxNotesLength);
            RuleFor(x => x.LeadCode).MaximumLength(ContactRules.MaxLeadCodeLength);
            RuleFor(x => x.Source).MaximumLength(ContactRules.MaxSourceLength);
            RuleFor(x => x.LeadStatus).Must(Contacts.LeadStatus.IsKnown)
                .WithMessage($"'leadStatus' must be one of: {string.Join(", ", Contacts.LeadStatus.All)}.").When(x => x.LeadStatus is not null);
            RuleFor(x => x.Score).InclusiveBetween(0, 100).When(x => x.Score is not null);
            RuleFor(x => x.Fields).Must(f => ContactRules.FieldsProblem(f) is null)
                .WithMessage((_, f) => ContactRules.FieldsProblem(f)!);
            RuleFor(x => x.OwnerId).NotEqual(Guid.Empty).WithMessage("'ownerId' must be the id of a user.").When(x => x.OwnerId is not null);
        }
    }
}
