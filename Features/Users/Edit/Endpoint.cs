using Inbox.Infrastructure.Time;

namespace Inbox.Features.Users.Edit;

/// <summary>
/// An admin renames a user, changes their role, or deactivates or reactivates them. Deactivating ends every
/// session of the user at once, on every instance (their access tokens answer 401, their sockets close with
/// 1008) and refuses their logins; API keys belong to the account and keep working. Reactivating lets them sign
/// in again but revives no old session. An account always keeps at least one active admin: a change that would
/// leave none is a 409.
/// <para>
/// Demoting an admin ends their sessions the same way: an access token carries its role for up to its lifetime
/// (15 minutes), and rights taken away must stop at once, not when the token expires. They sign in again as an
/// agent. A promotion takes effect at their next token refresh (the refresh reads the role from the database):
/// rights granted a few minutes late harm nobody, so the promoted user keeps their sessions.
/// </para>
/// </summary>
public sealed class Endpoint(InboxDb db, SessionRevocations revocations, IClock clock) : Endpoint<Request, UserResponse>
{
    public override void Configure()
    {
        Patch("/api/users/{id}");
        Roles(InboxRoles.Admin);
        // Every field of Request carries a binding attribute, which FastEndpoints reads as "no JSON body here" and
        // then accepts any content type: this route takes JSON only, as the other PATCH routes (a text/plain body is a 415).
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;

        List<Guid> ended = [];
        UserRow user;
        await using (var tx = await db.BeginTransactionAsync(ct))
        {
            var locked = await Data.LockTargetAndAdminsAsync(db, accountId, req.Id, ct);
            var target = locked.Find(u => u.Id == req.Id);
            if (target is null)
                ThrowError("No such user.", StatusCodes.Status404NotFound);

            var staysActiveAdmin = (req.Role.Value ?? target.Role) == InboxRoles.Admin && (req.Active.Value ?? target.Active);
            if (target.IsActiveAdmin && !staysActiveAdmin && !locked.Exists(u => u.Id != target.Id && u.IsActiveAdmin))
                ThrowError("This would leave the account without an active admin; make another user an admin first.", StatusCodes.Status409Conflict);

            user = await Data.UpdateAsync(db, accountId, req, ct);
            // After the row update, in the same transaction: a login racing this one holds a share lock on the row,
            // so by now it has either committed its session (revoked here) or will see the user inactive.
            var deactivated = req.Active.Value == false;
            var demoted = target.Role == InboxRoles.Admin && req.Role.Value is { } role && role != InboxRoles.Admin;
            if (deactivated || demoted)
                ended = await RevocationData.RevokeUserSessionsAsync(db, req.Id, clock.NowForDatabase(), ct);
            await tx.CommitAsync(ct);
        }

        revocations.Revoked(ended);
        await Send.OkAsync(UserResponse.From(user), ct);
    }
}
