namespace Inbox.Features.Realtime;

/// <summary>The <c>Realtime</c> configuration section (names are part of the contract).</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Origins allowed to open a socket. Empty: any origin in Development, only the service's own host in Production.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Advertised in <c>hello</c>; a connection silent for twice this long is dropped.</summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>Broadcast frames a connection may have waiting to be sent before it counts as a slow consumer and is closed.</summary>
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>
    /// Frames a connection may send per second, with bursts of <see cref="FrameRateLimit.BurstFactor"/> times this.
    /// A benchmark of the relay itself lifts it (and says so in its results).
    /// </summary>
    public int FramesPerSecond { get; set; } = 20;

    /// <summary>At most one relayed typing <c>start</c> per user and conversation per this interval.</summary>
    public TimeSpan TypingRelayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Highest accepted <see cref="FramesPerSecond"/>: the burst (five times it) must fit a token count.</summary>
    public const int MaxFramesPerSecond = 10_000_000;

    public const int MaxFrameBytes = 16 * 1024;
    public static readonly Duration TypingExpiry = Duration.FromSeconds(6);

    /// <summary>
    /// A frame that started to arrive must be complete within this (an unfinished fragment, a length announced and
    /// never sent): the connection is closed with 1002. Well under the contract's 10 s, as the sweeper looks once a
    /// second and the close handshake takes a moment more.
    /// </summary>
    public static readonly TimeSpan IncompleteFrameTimeout = TimeSpan.FromSeconds(5);
}
