using System.Text.Json.Serialization;

namespace Inbox.Features.Users.Edit;

/// <summary>
/// A partial update: a field left out keeps its value. None of the three can be cleared, so a field sent as
/// <c>null</c> is a 400 rather than silently ignored; the setters remember which fields were present. The fields
/// come from the JSON body only: FastEndpoints would otherwise also fill them from same-named query parameters.
/// </summary>
public sealed class Request
{
    string? _name;
    string? _role;
    bool? _active;
    internal bool NameGiven;
    internal bool RoleGiven;
    internal bool ActiveGiven;

    [JsonIgnore] public Guid Id { get; set; }

    [DontBind(Source.QueryParam | Source.RouteParam)]
    public string? Name
    {
        get => _name;
        set { _name = value; NameGiven = true; }
    }

    [DontBind(Source.QueryParam | Source.RouteParam)]
    public string? Role
    {
        get => _role;
        set { _role = value; RoleGiven = true; }
    }

    /// <summary>false deactivates: every session of the user ends at once; true reactivates (old sessions stay ended).</summary>
    [DontBind(Source.QueryParam | Source.RouteParam)]
    public bool? Active
    {
        get => _active;
        set { _active = value; ActiveGiven = true; }
    }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name!).ValidName().When(x => x.NameGiven);
            RuleFor(x => x.Role!).ValidRole().When(x => x.RoleGiven);
            RuleFor(x => x.Active).NotNull().WithMessage("'active' must be true or false.").When(x => x.ActiveGiven);
        }
    }
}
