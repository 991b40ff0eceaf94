namespace Inbox.Features.Users.Me;

/// <summary>The signed-in user.</summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<UserResponse>
{
    public override void Configure()
    {
        Get("/api/me");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var caller = User.Caller();
        var user = await Data.FindAsync(db, caller.AccountId, caller.UserId, ct);
        // The token outlived its user (deleted since it was issued).
        if (user is null)
            ThrowError("This user no longer exists.", StatusCodes.Status401Unauthorized);
        await Send.OkAsync(UserResponse.From(user), ct);
    }
}
