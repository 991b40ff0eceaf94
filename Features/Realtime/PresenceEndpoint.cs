using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// <c>GET /api/presence</c>: every user of the account with their presence, read from the tables every instance
/// writes, so the answer is the same whichever instance serves it and agrees with the presence broadcasts.
/// </summary>
public sealed class PresenceEndpoint(InboxDb db, IOptions<RealtimeOptions> options, IClock clock) : EndpointWithoutRequest<IReadOnlyList<PresenceRow>>
{
    public override void Configure()
    {
        Get("/api/presence");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var liveSince = clock.GetCurrentInstant() - Duration.FromSeconds(2 * options.Value.HeartbeatSeconds);
        await Send.OkAsync(await Data.PresenceOfAsync(db, User.Caller().AccountId, liveSince, ct), ct);
    }
}
