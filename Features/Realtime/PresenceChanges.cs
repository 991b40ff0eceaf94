using System.Threading.Channels;

namespace Inbox.Features.Realtime;

/// <summary>The queue between the registry (which must never wait on the database) and the presence writer.</summary>
public sealed class PresenceChanges
{
    public const int Capacity = 10_000;

    public Channel<PresenceChange> Queue { get; } =
        Channel.CreateBounded<PresenceChange>(new BoundedChannelOptions(Capacity) { SingleReader = true });
}

/// <summary>A change of presence or viewing on this instance, written to the shared tables and then broadcast by <see cref="PresenceWriter"/>.</summary>
public abstract record PresenceChange(Guid AccountId, Guid UserId);
public sealed record UserJoined(Guid AccountId, Guid UserId, int LocalConnections) : PresenceChange(AccountId, UserId);
public sealed record UserLeft(Guid AccountId, Guid UserId, int LocalConnections, Guid? WasViewing, Guid? NowViewing) : PresenceChange(AccountId, UserId);
public sealed record StatusChosen(Guid AccountId, Guid UserId, string Status) : PresenceChange(AccountId, UserId);
public sealed record ViewChanged(Guid AccountId, Guid UserId, Guid? Before, Guid? After, Guid? UserViewing) : PresenceChange(AccountId, UserId);
