using System.Text.RegularExpressions;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Database;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

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
    public async Task A_loopback_url_is_refused_with_a_problem_saying_why()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url = "http://127.0.0.1:8080/hook", events = new[] { "ticket.overdue" } });

        await Snap.MatchAsync(response);
    }

    /// <summary>
    /// An SSRF refusal says why in general terms and never which addresses a name resolved to (that would map
    /// internal names for any tenant admin). The URL the admin sent may come back; no other address may. The
    /// machine's own name resolves through /etc/hosts (to loopback here, to a private address in most containers):
    /// the case the refusal used to answer with "vm resolves to 127.0.0.1, …".
    /// </summary>
    [Theory]
    [InlineData("http://localhost:8080/hook", "loopback")]
    [InlineData("http://127.0.0.1/hook", "loopback")]
    [InlineData("http://0x7f.1/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://[::ffff:10.0.0.1]/hook", "private")]
    [InlineData("http://10.0.0.1/hook", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://{machine}:8080/hook", null)]
    public async Task A_refused_url_says_why_in_general_terms_and_echoes_no_resolved_address(string url, string? reason)
    {
        url = url.Replace("{machine}", Dns.GetHostName());
        var client = app.ClientFor(await app.SignUpAsync());

        var response = await client.PostAsJsonAsync("/api/webhooks/endpoints", new { url, events = new[] { "ticket.overdue" } });

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "url");
        var body = await response.Content.ReadAsStringAsync();
        var why = JsonNode.Parse(body)!["errors"]!["url"]![0]!.GetValue<string>();
        Assert.Matches(reason is null ? "loopback|private|link-local|does not resolve" : reason, why);
        Addresses.AssertNone(body, url);
    }

    /// <summary>Log rows written before refusals stopped naming addresses lose the addresses (migration 0008), and keep the refusal.</summary>
    [Fact]
    public async Task Refusals_already_in_the_log_lose_the_addresses_they_named()
    {
        var admin = await app.SignUpAsync();
        var now = app.Clock.GetCurrentInstant();
        var endpoint = new WebhookEndpointRow
        {
            Id = Guid.CreateVersion7(), AccountId = admin.AccountId, Url = "https://vm/hook", Events = ["ticket.overdue"],
            Secret = "whsec_" + Convert.ToBase64String(new byte[32]), Enabled = true, CreatedAt = now,
        };
        var delivery = new WebhookDeliveryRow
        {
            Id = Guid.CreateVersion7(), AccountId = admin.AccountId, EndpointId = endpoint.Id, EventId = "msg_old", Type = "webhook.test",
            Payload = "{}", State = DeliveryState.Failed, Attempts = 1, MaxAttempts = 1, CreatedAt = now,
        };
        var row = new WebhookNotificationRow
        {
            Id = Guid.CreateVersion7(), AccountId = admin.AccountId, DeliveryId = delivery.Id, EndpointId = endpoint.Id, EventId = "msg_old", Attempt = 1,
            Error = "refused: vm resolves to 127.0.0.1, 192.0.2.2, fd00::2, which is not a public address", SentAt = now,
        };
        await using var db = app.Service<InboxDatabase>().Open();
        await db.InsertAsync(endpoint);
        await db.InsertAsync(delivery);
        await db.InsertAsync(row);

        await using (var script = typeof(Program).Assembly.GetManifestResourceStream("Migrations/0008_webhook_attempts.sql")!)
        using (var reader = new StreamReader(script))
            await db.ExecuteAsync(await reader.ReadToEndAsync());

        var error = await db.WebhookNotifications.Where(n => n.Id == row.Id).Select(n => n.Error).SingleAsync();
        Assert.Equal("refused: vm resolves only to non-public addresses", error);
    }

    [Fact]
    public async Task Plain_http_is_refused_in_general_terms_where_https_is_required()
    {
        Assert.Equal("Must be an https URL.", WebhookUrl.FormProblem("http://10.0.0.1/hook", requireHttps: true));
        Assert.Equal("The host 'no-such-host.invalid' does not resolve.",
            await WebhookUrl.ProblemAsync("https://no-such-host.invalid/hook", requireHttps: true, allowPrivateNetworks: false, CancellationToken.None));
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
        Assert.Equal("refused: localhost resolves only to non-public addresses (loopback)", tested["error"]!.GetValue<string>());
        Addresses.AssertNone(tested.ToJsonString(), rebound);

        await WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));
        await app.Sweep.RunOnceAsync(CancellationToken.None);
        var swept = (await WebhookApi.NotificationsAsync(client)).First(n => n["ticketId"] is not null);
        Assert.StartsWith("refused: ", swept["error"]!.GetValue<string>());
        Assert.Empty(receiver.Requests);
        Addresses.AssertNone(await client.GetStringAsync("/api/webhooks/notifications"), rebound);
    }
}

/// <summary>Finds IP addresses (dotted quads, IPv6 forms) in a response body, leaving out those of the URL the caller sent.</summary>
public static partial class Addresses
{
    [GeneratedRegex(@"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])|(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")]
    private static partial Regex Pattern();

    public static IReadOnlyList<string> In(string body, string typedUrl) =>
        Pattern().Matches(body.Replace(typedUrl, "")).Select(m => m.Value).ToList();

    public static void AssertNone(string body, string typedUrl)
    {
        var found = In(body, typedUrl);
        Assert.True(found.Count == 0, $"the answer names addresses the caller did not send ({string.Join(", ", found)}): {body}");
    }
}
