using NodaTime.Testing;
using NodaTime.Text;

namespace Inbox.Tests.Features.Tickets;

/// <summary>
/// The service on a clock the test moves. It starts at the real time (whole seconds) because access tokens are
/// checked against the real clock; tokens are only issued before the clock is moved.
/// </summary>
public sealed class OverdueClockApp : InboxApp
{
    public OverdueClockApp() => Clock = new FakeClock(Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds()));
}

public sealed class OverdueTests(OverdueClockApp app) : IClassFixture<OverdueClockApp>
{
    [Fact]
    public async Task A_ticket_becomes_overdue_once_its_schedule_passes_while_received_or_diagnostic()
    {
        var clock = app.Clock!;
        var start = clock.GetCurrentInstant();
        var client = app.ClientFor(await app.SignUpAsync());
        var scheduledAt = start + Duration.FromHours(1);
        var wire = InstantPattern.ExtendedIso.Format(scheduledAt);
        // The clock moves a second between openings so that newest-first order is defined by created_at alone.
        var received = await TicketApi.OpenIdAsync(client, extra: new { title = "Received", scheduledAt = wire });
        clock.Advance(Duration.FromSeconds(1));
        var diagnostic = await TicketApi.OpenIdAsync(client, extra: new { title = "Diagnostic", scheduledAt = wire });
        await TicketApi.WalkAsync(client, diagnostic, "diagnostic");
        clock.Advance(Duration.FromSeconds(1));
        var waiting = await TicketApi.OpenIdAsync(client, extra: new { title = "Waiting for parts", scheduledAt = wire });
        await TicketApi.WalkAsync(client, waiting, "diagnostic", "in_progress", "waiting_parts");
        await TicketApi.OpenIdAsync(client, "Never scheduled");

        try
        {
            Assert.Empty(await TicketApi.ListIdsAsync(client, "?overdue=true"));
            Assert.False(await OverdueAsync(client, received));

            // Exactly at scheduledAt it is not yet past.
            clock.Reset(scheduledAt);
            Assert.False(await OverdueAsync(client, received));
            Assert.Empty(await TicketApi.ListIdsAsync(client, "?overdue=true"));

            // One microsecond later it is, for received and diagnostic only.
            clock.Advance(Duration.FromTicks(10));
            Assert.True(await OverdueAsync(client, received));
            Assert.True(await OverdueAsync(client, diagnostic));
            Assert.False(await OverdueAsync(client, waiting));
            Assert.Equal([diagnostic, received], await TicketApi.ListIdsAsync(client, "?overdue=true"));

            // Work starting on it ends the overdue state; so does a new schedule.
            await TicketApi.WalkAsync(client, diagnostic, "in_progress");
            var rescheduled = await client.SendAsync(TicketApi.Patch(received, $$"""{"scheduledAt":"{{InstantPattern.ExtendedIso.Format(scheduledAt + Duration.FromDays(1))}}"}"""));
            Assert.False(JsonNode.Parse(await rescheduled.Content.ReadAsStringAsync())!["overdue"]!.GetValue<bool>());
            Assert.Empty(await TicketApi.ListIdsAsync(client, "?overdue=true"));

            // Sent back to received with a past schedule, it is overdue again.
            await TicketApi.WalkAsync(client, diagnostic, "received");
            Assert.Equal([diagnostic], await TicketApi.ListIdsAsync(client, "?overdue=true"));
        }
        finally
        {
            clock.Reset(start);
        }
    }

    static async Task<bool> OverdueAsync(HttpClient client, Guid id) =>
        (await TicketApi.GetAsync(client, id))["overdue"]!.GetValue<bool>();
}
