namespace Inbox.Features.Users.List;

/// <summary>Every user of the caller's account, oldest first (accounts hold tens of users, not thousands).</summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<IReadOnlyList<UserResponse>>
{
    public override void Configure()
    {
        Get("/api/users");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var users = await Data.ListAsync(db, User.Caller().AccountId, ct);
        await Send.OkAsync(users.Select(UserResponse.From).ToList(), ct);
    }
}
