using Inbox.Features.Users;
using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Accounts.SignUp;

/// <summary>Creates an account with its first admin and signs that admin in. Closed when <c>Auth__SignupEnabled=false</c>.</summary>
public sealed class Endpoint(InboxDb db, Sessions sessions, IOptions<AuthOptions> options, IClock clock) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/accounts");
        AllowAnonymous();
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!options.Value.SignupEnabled)
            ThrowError("Sign-up is closed on this server; ask an administrator for an account.", StatusCodes.Status403Forbidden);

        var now = clock.NowForDatabase();
        var account = new AccountRow { Id = Guid.CreateVersion7(), Name = req.AccountName.Trim(), CreatedAt = now };
        var admin = new UserRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = account.Id,
            Name = req.Name.Trim(),
            Email = req.Email,
            PasswordHash = Passwords.Hash(req.Password),
            Role = InboxRoles.Admin,
            CreatedAt = now,
        };

        await using var tx = await db.BeginTransactionAsync(ct);
        if (!await Data.TryCreateAsync(db, account, admin, ct))
            ThrowError(r => r.Email, "An account with this email already exists.", StatusCodes.Status409Conflict);
        var tokens = await sessions.StartAsync(db, admin, ct);
        await tx.CommitAsync(ct);

        await Send.ResponseAsync(
            new Response(new AccountResponse(account.Id, account.Name, account.CreatedAt), UserResponse.From(admin), tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt),
            StatusCodes.Status201Created, ct);
    }
}
