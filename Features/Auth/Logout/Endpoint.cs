using Inbox.Infrastructure.Time;

namespace Inbox.Features.Auth.Logout;

/// <summary>
/// Ends the session the refresh token belongs to (when it is the caller's), else the caller's current one.
/// Always 204: the answer never tells whether a token existed. The session ends everywhere: its access tokens are
/// refused and its sockets closed on every instance (SessionRevocations).
/// </summary>
public sealed class Endpoint(InboxDb db, SessionRevocations revocations, IClock clock) : Endpoint<Request>
{
    public override void Configure()
    {
        Post("/api/auth/logout");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        var sessionId = await Data.FindOwnSessionAsync(db, Sessions.HashRefreshToken(req.RefreshToken), caller.UserId!.Value, ct) ?? caller.SessionId;
        // One statement (revoke and notify), so its own transaction: the other instances hear of it at its commit.
        if (sessionId is { } id && await RevocationData.RevokeSessionAsync(db, id, caller.UserId.Value, clock.NowForDatabase(), ct))
            revocations.Revoked(id);
        await Send.NoContentAsync(ct);
    }
}
