namespace Inbox.Infrastructure.Time;

public static class ClockExtensions
{
    /// <summary>
    /// Now, cut to the microsecond that PostgreSQL stores, so an instant written and read back is the same
    /// value (keyset cursors and equality checks depend on it).
    /// </summary>
    public static Instant NowForDatabase(this IClock clock) => clock.GetCurrentInstant().ToDatabasePrecision();

    /// <summary>The instant cut to the microsecond PostgreSQL keeps, so the instant answered is the instant stored.</summary>
    public static Instant ToDatabasePrecision(this Instant at)
    {
        var ticks = at.ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - ticks % 10);
    }
}
