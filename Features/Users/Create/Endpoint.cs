using Inbox.Infrastructure.Time;
using Npgsql;

namespace Inbox.Features.Users.Create;

public sealed class Request
{
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string Role { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name).ValidName();
            RuleFor(x => x.Email).ValidEmail();
            RuleFor(x => x.Password).ValidPassword();
            RuleFor(x => x.Role).ValidRole();
        }
    }
}

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

static class Data
{
    public static async Task<bool> TryInsertAsync(InboxDb db, UserRow user, CancellationToken ct)
    {
        try
        {
            await db.InsertAsync(user, token: ct);
            return true;
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UserRules.EmailUniqueIndex })
        {
            return false;
        }
    }
}
