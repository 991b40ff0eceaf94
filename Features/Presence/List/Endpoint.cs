using Inbox.Features.Realtime;

namespace Inbox.Features.Presence.List;

public sealed record Response(Guid UserId, string Name, string Status, Instant? LastSeenAt, Guid? ViewingConversationId);

/// <summary>Every user of the account with their presence, from the same state the sockets broadcast.</summary>
public sealed class Endpoint(InboxDb db, Hub hub) : EndpointWithoutRequest<IReadOnlyList<Response>>
{
    public override void Configure()
    {
        Get("/api/presence");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var users = await db.Users.Where(u => u.AccountId == accountId).OrderBy(u => u.Name).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.Name }).ToListAsync(ct);
        var presence = hub.PresenceOf(accountId, users.Select(u => u.Id));
        await Send.OkAsync(users.Select(u =>
        {
            var (status, lastSeenAt, viewing) = presence[u.Id];
            return new Response(u.Id, u.Name, status, lastSeenAt, viewing);
        }).ToList(), ct);
    }
}
