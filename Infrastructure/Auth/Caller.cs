using System.Security.Claims;

namespace Inbox.Infrastructure.Auth;

public static class InboxRoles
{
    public const string Admin = "admin";
    public const string Agent = "agent";
    /// <summary>An API key: an account-level principal that may post incoming messages and open tickets.</summary>
    public const string Integration = "integration";

    public static readonly string[] Users = [Admin, Agent];
    public static readonly string[] UsersAndIntegrations = [Admin, Agent, Integration];
}

public static class InboxClaims
{
    public const string Subject = "sub";
    public const string Account = "acc";
    public const string Role = "role";
    public const string Session = "sid";
    public const string Name = "name";
    public const string ApiKey = "key";
}

/// <summary>
/// Who is calling, read from the authenticated principal, and the one source of the account id every query
/// filters by. An endpoint never takes an account id from a route, a body or a header.
/// </summary>
public sealed record Caller(Guid AccountId, string Role, string Name, Guid? UserId, Guid? SessionId, Guid? ApiKeyId)
{
    public bool IsUser => UserId is not null;
}

public static class CallerExtensions
{
    public static Caller Caller(this ClaimsPrincipal principal)
    {
        var account = Guid.Parse(principal.FindFirstValue(InboxClaims.Account)
                                 ?? throw new InvalidOperationException("The principal has no account claim: is the endpoint anonymous?"));
        return new Caller(
            account,
            principal.FindFirstValue(InboxClaims.Role) ?? "",
            principal.FindFirstValue(InboxClaims.Name) ?? "",
            ParseOrNull(principal.FindFirstValue(InboxClaims.Subject)),
            ParseOrNull(principal.FindFirstValue(InboxClaims.Session)),
            ParseOrNull(principal.FindFirstValue(InboxClaims.ApiKey)));
    }

    static Guid? ParseOrNull(string? value) => Guid.TryParse(value, out var id) ? id : null;
}
