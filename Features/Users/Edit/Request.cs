using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Users.Edit;

/// <summary>
/// A partial update: a field left out keeps its value. None of the three can be cleared, so a field sent as
/// <c>null</c> is a 400 rather than silently ignored. The fields come from the JSON body only: FastEndpoints
/// would otherwise also fill them from same-named query parameters.
/// </summary>
public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }

    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Name { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Role { get; set; }
    /// <summary>false deactivates: every session of the user ends at once; true reactivates (old sessions stay ended).</summary>
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<bool?> Active { get; set; }

    public bool ChangesNothing => !Name.IsSet && !Role.IsSet && !Active.IsSet;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name.Value!).ValidName().OverridePropertyName("name").When(x => x.Name.IsSet);
            RuleFor(x => x.Role.Value!).ValidRole().OverridePropertyName("role").When(x => x.Role.IsSet);
            RuleFor(x => x.Active.Value).NotNull().WithMessage("'active' must be true or false.").OverridePropertyName("active").When(x => x.Active.IsSet);
        }
    }
}
