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
        var accountId = User.Caller().AccountId;
        var users = await db.Users.Where(u => u.AccountId == accountId).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToListAsync(ct);
        await Send.OkAsync(users.Select(UserResponse.From).ToList(), ct);
    }
}
