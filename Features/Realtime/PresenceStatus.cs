namespace Inbox.Features.Realtime;

/// <summary>The presence values clients send and see in <c>presence</c> frames and <c>GET /api/presence</c>.</summary>
public static class PresenceStatus
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Busy = "busy";
    public const string Offline = "offline";
}
