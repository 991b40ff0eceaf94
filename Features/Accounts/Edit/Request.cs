using Inbox.Features.Contacts;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Accounts.Edit;

/// <summary>A partial update of the caller's account: absent keeps; <c>defaultPhoneRegion: null</c> clears it, a null name is a 400.</summary>
public sealed class Request
{
    public const int MaxNameLength = 200;

    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Name { get; set; }
    /// <summary>ISO 3166 alpha-2 (FR, GB…): the region phone numbers without a country code are read in.</summary>
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> DefaultPhoneRegion { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name.Value).NotEmpty().MaximumLength(MaxNameLength).Must(n => n is null || n.Trim() == n)
                .WithMessage("'name' must not start or end with spaces.").OverridePropertyName("name").When(x => x.Name.IsSet);
            RuleFor(x => x.DefaultPhoneRegion.Value!).Must(r => ContactRules.Regions.Contains(r))
                .WithMessage("'defaultPhoneRegion' must be an ISO 3166 alpha-2 region code in capitals, such as FR or GB.")
                .OverridePropertyName("defaultPhoneRegion").When(x => x.DefaultPhoneRegion.IsSet && x.DefaultPhoneRegion.Value is not null);
        }
    }
}
