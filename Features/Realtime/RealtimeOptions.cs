namespace Inbox.Features.Realtime;

/// <summary>The <c>Realtime</c> configuration section (names are part of the contract).</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Origins allowed to open a socket. Empty: any origin in Development, only the service's own host in Production.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Advertised in <c>hello</c>; a connection silent for twice this long is dropped.</summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>Frames a connection may have waiting to be sent before it counts as a slow consumer and is closed.</summary>
    public int SendQueueCapacity { get; set; } = 256;

    public const int MaxFrameBytes = 16 * 1024;
    public static readonly Duration TypingExpiry = Duration.FromSeconds(6);
}
