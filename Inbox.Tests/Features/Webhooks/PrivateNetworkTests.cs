using Inbox.Infrastructure.Database;
using LinqToDB;

namespace Inbox.Tests.Features.Webhooks;

/// <summary>The only webhook tests with <c>Webhooks:AllowPrivateNetworks=false</c>, the production default.</summary>
public sealed class PrivateNetworksRefusedApp : WebhookApp
{
    public PrivateNetworksRefusedApp() => With("Webhooks:AllowPrivateNetworks", "false");
}

public sealed class PrivateNetworkTests(PrivateNetworksRefusedApp app) : IClassFixture<PrivateNetworksRefusedApp>
{
    /// <summary>Refused when saved, before anything is resolved or connected: no traffic leaves for these addresses.</summary>
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://0x7f.1/hook")]
    [InlineData("http://2130706433/hook")]
    [InlineData("http://017700000001/hook")]
    [InlineData("http://0177.0.0.1/hook")]
    [InlineData("http://127.1/hook")]
    [InlineData("http://0/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[::ffff:7f00:1]/hook")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/hook")]
    [InlineData("http://[2002:a00:1::]/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://224.0.0.251/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[fc00::1]/hook")]
    [InlineData("http://[ff02::1]/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://LOCALHOST./hook")]
    [InlineData("http://printer.localhost/hook")]
    public async Task A_url_pointing_at_a_non_public_address_is_refused_when_saved(string url)
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url, events = new[] { "ticket.overdue" } });

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "url");
        Assert.Equal("[]", await client.GetStringAsync("/api/webhooks/endpoints"));
    }

    [Fact]
    public async Task A_loopback_url_is_refused_with_a_problem_naming_the_url()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url = "http://127.0.0.1:8080/hook", events = new[] { "ticket.overdue" } });

        await Snap.MatchAsync(response);
    }

    /// <summary>
    /// DNS rebinding: a host that passed the save-time check (here written straight to the database, as if it had
    /// resolved to a public address then) and resolves to loopback when the post is made. The connect-time check
    /// refuses it, for the test route and for the sweep alike, and the receiver never sees a request.
    /// </summary>
    [Fact]
    public async Task The_address_actually_connected_to_is_checked_when_posting()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var rebound = receiver.Url.Replace("127.0.0.1", "localhost");
        var endpointId = Guid.CreateVersion7();
        await using (var db = app.Service<InboxDatabase>().Open())
            await db.InsertAsync(new WebhookEndpointRow
            {
                Id = endpointId, AccountId = admin.AccountId, Url = rebound, Events = ["ticket.overdue"],
                Secret = "whsec_" + Convert.ToBase64String(new byte[32]), Enabled = true, CreatedAt = app.Clock.GetCurrentInstant(),
            });

        var tested = await WebhookApi.TestAsync(client, endpointId);
        Assert.Null(tested["statusCode"]);
        Assert.StartsWith("refused: localhost resolves to ", tested["error"]!.GetValue<string>());

        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));
        await app.Sweep.RunOnceAsync(CancellationToken.None);
        var swept = (await WebhookApi.NotificationsAsync(client)).First(n => n["ticketId"] is not null);
        Assert.StartsWith("refused: ", swept["error"]!.GetValue<string>());
        Assert.Empty(receiver.Requests);
    }
}
