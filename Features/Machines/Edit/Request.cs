using System.Text.Json.Serialization;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Machines.Edit;

/// <summary>
/// Only the fields present in the body change. <c>null</c> (or blank) clears <c>location</c> and
/// <c>serialNumber</c>; <c>name</c> cannot be cleared. The fields come from the JSON body only.
/// </summary>
public sealed class Request
{
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Name { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> Location { get; set; }
    [DontBind(Source.QueryParam | Source.RouteParam)] public Optional<string?> SerialNumber { get; set; }

    public bool ChangesNothing => !Name.IsSet && !Location.IsSet && !SerialNumber.IsSet;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name.Value).ValidName().OverridePropertyName("name").When(x => x.Name.IsSet);
            RuleFor(x => x.Location.Value).ValidLocation().OverridePropertyName("location").When(x => x.Location.IsSet);
            RuleFor(x => x.SerialNumber.Value).ValidSerialNumber().OverridePropertyName("serialNumber").When(x => x.SerialNumber.IsSet);
        }
    }
}
