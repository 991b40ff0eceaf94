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
