using Inbox.Infrastructure.Time;

namespace Inbox.Features.Users.Create;

/// <summary>An admin adds an agent or another admin to their own account.</summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request, UserResponse>
{
    public override void Configure()
    {
        Post("/api/users");
        Roles(InboxRoles.Admin);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var user = new UserRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = User.Caller().AccountId,
            Name = req.Name.Trim(),
            Email = req.Email,
            PasswordHash = Passwords.Hash(req.Password),
            Role = req.Role,
            CreatedAt = clock.NowForDatabase(),
        };
        if (!await Data.TryInsertAsync(db, user, ct))
            ThrowError(r => r.Email, "A user with this email already exists.", StatusCodes.Status409Conflict);
        await Send.ResponseAsync(UserResponse.From(user), StatusCodes.Status201Created, ct);
    }
}
