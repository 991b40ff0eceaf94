namespace Inbox.Features.Realtime;

public enum TargetKind { Subscribers, Account, User }

/// <summary>
/// Who a frame is for: the subscribers of a conversation, every connection of an account, or one user's
/// connections. <see cref="ExceptUser"/> keeps a user's own typing from being echoed back to them.
/// </summary>
public readonly record struct Target(TargetKind Kind, Guid AccountId, Guid Key, Guid? ExceptUser = null)
{
    public static Target Subscribers(Guid accountId, Guid conversationId, Guid? exceptUser = null) => new(TargetKind.Subscribers, accountId, conversationId, exceptUser);
    public static Target Account(Guid accountId) => new(TargetKind.Account, accountId, accountId);
    public static Target User(Guid accountId, Guid userId) => new(TargetKind.User, accountId, userId);
}

/// <summary>A change of presence or viewing on this instance, written to the shared tables and then broadcast by <see cref="PresenceWriter"/>.</summary>
public abstract record PresenceChange(Guid AccountId, Guid UserId);
public sealed record UserJoined(Guid AccountId, Guid UserId, int LocalConnections) : PresenceChange(AccountId, UserId);
public sealed record UserLeft(Guid AccountId, Guid UserId, int LocalConnections, Guid? WasViewing, Guid? NowViewing) : PresenceChange(AccountId, UserId);
public sealed record StatusChosen(Guid AccountId, Guid UserId, string Status) : PresenceChange(AccountId, UserId);
public sealed record ViewChanged(Guid AccountId, Guid UserId, Guid? Before, Guid? After, Guid? UserViewing) : PresenceChange(AccountId, UserId);

/// <summary>The queue between the registry (which must never wait on the database) and the presence writer.</summary>
public sealed class PresenceChanges
{
    public const int Capacity = 10_000;

    public System.Threading.Channels.Channel<PresenceChange> Queue { get; } =
        System.Threading.Channels.Channel.CreateBounded<PresenceChange>(new System.Threading.Channels.BoundedChannelOptions(Capacity) { SingleReader = true });
}

/// <summary>This process among the instances sharing the database.</summary>
public sealed class RealtimeInstance
{
    public Guid Id { get; } = Guid.CreateVersion7();
}
