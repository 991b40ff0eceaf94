using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Contacts.Edit;

/// <summary>
/// A partial update: a field left out keeps its value, <c>null</c> clears it. <c>leadStatus</c> is not one of them:
/// it moves through <c>POST …/lead-status</c>, which keeps its history. The fields come from the JSON body only.
/// </summary>
public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }

    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> Name { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> Email { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> Phone { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> ExternalId { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> Company { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> Notes { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<Dictionary<string, string?>?> Fields { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> LeadCode { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<string?> Source { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<int?> Score { get; set; }
    [DontBind(FastEndpoints.Source.QueryParam | FastEndpoints.Source.RouteParam)] public Optional<Guid?> OwnerId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name.Value).MaximumLength(ContactRules.MaxNameLength).OverridePropertyName("name");
            RuleFor(x => x.Email.Value!).MaximumLength(ContactRules.MaxEmailLength).EmailAddress().OverridePropertyName("email")
                .When(x => !string.IsNullOrWhiteSpace(x.Email.Value));
            RuleFor(x => x.Phone.Value).MaximumLength(ContactRules.MaxPhoneInputLength).OverridePropertyName("phone");
            RuleFor(x => x.ExternalId.Value).MaximumLength(ContactRules.MaxExternalIdLength).OverridePropertyName("externalId");
            RuleFor(x => x.Company.Value).MaximumLength(ContactRules.MaxCompanyLength).OverridePropertyName("company");
            RuleFor(x => x.Notes.Value).MaximumLength(ContactRules.MaxNotesLength).OverridePropertyName("notes");
            RuleFor(x => x.LeadCode.Value).MaximumLength(ContactRules.MaxLeadCodeLength).OverridePropertyName("leadCode");
            RuleFor(x => x.Source.Value).MaximumLength(ContactRules.MaxSourceLength).OverridePropertyName("source");
            RuleFor(x => x.Score.Value).InclusiveBetween(0, 100).OverridePropertyName("score").When(x => x.Score.Value is not null);
            RuleFor(x => x.Fields.Value).Must(f => ContactRules.FieldsProblem(f) is null)
                .WithMessage((_, f) => ContactRules.FieldsProblem(f)!).OverridePropertyName("fields");
            RuleFor(x => x.OwnerId.Value).NotEqual(Guid.Empty).WithMessage("'ownerId' must be the id of a user.")
                .OverridePropertyName("ownerId").When(x => x.OwnerId.Value is not null);
        }
    }
}
