using System.Diagnostics;
using System.Threading.RateLimiting;

namespace Inbox.Features.Realtime;

public enum FrameVerdict { Accept, Drop, DropAndTell, Flood }

/// <summary>
/// The frame rate limit of one connection (API.md, "Limits and robustness"): <c>Realtime:FramesPerSecond</c> frames
/// a second with bursts of five times that, through a token bucket; frames beyond it are dropped and at most one a
/// second is answered (<see cref="FrameVerdict.DropAndTell"/>); a connection that keeps sending at ten times the
/// limit for <see cref="FloodSeconds"/> seconds in a row is to be closed (<see cref="FrameVerdict.Flood"/>).
/// Only the receive loop of its connection calls it, so its own counters need no locking.
/// </summary>
public sealed class FrameRateLimit : IDisposable
{
    public const int BurstFactor = 5;
    public const int FloodFactor = 10;
    public const int FloodSeconds = 10;
    static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    // Replenished by hand on each frame (in proportion to the time elapsed) rather than by the limiter's own timer,
    // so ten thousand idle connections hold no ten thousand timers.
    readonly TokenBucketRateLimiter _bucket;
    readonly long _floodFrames;
    long _windowStart;
    long _windowFrames;
    int _floodWindows;
    long _lastToldAt;

    public FrameRateLimit(int framesPerSecond)
    {
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = BurstFactor * framesPerSecond,
            TokensPerPeriod = framesPerSecond,
            ReplenishmentPeriod = Second,
            AutoReplenishment = false,
            QueueLimit = 0,
        });
        _floodFrames = (long)FloodFactor * framesPerSecond;
    }

    /// <summary>What to do with the frame that just arrived. No allocation for an accepted frame.</summary>
    public FrameVerdict Check()
    {
        var now = Stopwatch.GetTimestamp();
        if (IsFlooding(now)) return FrameVerdict.Flood;

        _bucket.TryReplenish();
        using var lease = _bucket.AttemptAcquire();
        if (lease.IsAcquired) return FrameVerdict.Accept;
        if (_lastToldAt != 0 && Stopwatch.GetElapsedTime(_lastToldAt, now) < Second) return FrameVerdict.Drop;
        _lastToldAt = now;
        return FrameVerdict.DropAndTell;
    }

    /// <summary>
    /// Counts frames in back-to-back one-second windows: a window with at least ten times the limit extends the run,
    /// any other (or a gap of a second without frames) ends it.
    /// </summary>
    bool IsFlooding(long now)
    {
        if (_windowStart == 0) _windowStart = now;
        var elapsed = Stopwatch.GetElapsedTime(_windowStart, now);
        if (elapsed >= Second)
        {
            _floodWindows = elapsed < 2 * Second && _windowFrames >= _floodFrames ? _floodWindows + 1 : 0;
            _windowStart = now;
            _windowFrames = 0;
        }
        _windowFrames++;
        return _floodWindows >= FloodSeconds;
    }

    public void Dispose() => _bucket.Dispose();
}
