using Inbox.Infrastructure.Http;

namespace Inbox.Tests.Infrastructure.Http;

public sealed class KeysetCursorTests
{
    [Fact]
    public void An_instant_cursor_round_trips_to_the_tick()
    {
        var at = Instant.FromUnixTimeTicks(17_640_000_000_123_457);
        var id = Guid.CreateVersion7();

        var decoded = KeysetCursor.DecodeInstant(KeysetCursor.Encode(at, id));

        Assert.Equal((at, id), decoded);
    }

    [Fact]
    public void A_rank_cursor_round_trips_exactly()
    {
        var id = Guid.CreateVersion7();

        Assert.Equal((0.0607927106320858, id), KeysetCursor.DecodeRank(KeysetCursor.Encode(0.0607927106320858, id)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("bm90IGEgY3Vyc29y")]
    [InlineData("MTIzfG5vdC1hLWd1aWQ")]
    public void Garbage_is_not_a_cursor(string cursor)
    {
        Assert.False(KeysetCursor.TryDecode(cursor, out _, out _));
        Assert.Null(KeysetCursor.DecodeInstant(cursor));
    }
}
