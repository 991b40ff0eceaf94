using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Database;
using LinqToDB;
using LinqToDB.Async;
using Inbox.Tests.Features.Webhooks;

namespace Inbox.Tests.Features.Operations;

/// <summary>
/// The real process, stopped the way Render stops it (SIGTERM), while a request outlasts the shutdown timeout: a
/// cron sweep whose receiver holds the webhook post. It must exit 0, with no unhandled exception, and the cut post
/// must be in the delivery log as an attempt of unknown outcome.
/// </summary>
public sealed class SigtermTests
{
    [Fact]
    public async Task Sigterm_during_a_request_that_outlasts_the_shutdown_timeout_exits_0_and_logs_the_cut_post()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang();
        await using var service = await InboxProcess.StartAsync(connectionString, new Dictionary<string, string>
        {
            ["HostOptions:ShutdownTimeout"] = "00:00:02",
            ["Webhooks:PostTimeout"] = "00:01:00",
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:SweepInterval"] = "1.00:00:00",
            ["Cron:Secret"] = WebhookApp.CronSecret,
        });
        var http = service.Client();
        var signUp = await http.PostAsJsonAsync("/api/accounts", new { accountName = "Acme", name = "Ada", email = TestAccounts.UniqueEmail(), password = TestAccounts.DefaultPassword });
        var account = JsonNode.Parse(await signUp.Content.ReadAsStringAsync())!;
        http.DefaultRequestHeaders.Authorization = new("Bearer", account["accessToken"]!.GetValue<string>());
        var adminId = account["user"]!["id"]!.GetValue<Guid>();
        await WebhookApi.CreateEndpointAsync(http, receiver.Url);
        var ticketId = await WebhookApi.OpenOverdueTicketAsync(http, adminId, SystemClock.Instance.GetCurrentInstant(), Duration.FromHours(1));

        var cron = service.Client();
        cron.DefaultRequestHeaders.Add("X-Cron-Secret", WebhookApp.CronSecret);
        var sweep = cron.PostAsync("/api/cron/check-overdue", null);
        await receiver.WaitForAsync(1);

        // A bound, not a timing: 2 s shutdown timeout, then the cut post is written with a timeout of its own.
        var exitCode = await service.TerminateAsync(within: TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{service.Output}");
        Assert.DoesNotContain("Unhandled exception", service.Output);
        await Record.ExceptionAsync(() => sweep);
        using var db = new InboxDatabase(connectionString);
        await using var data = db.Open();
        var attempts = await data.WebhookNotifications.Where(n => n.TicketId == ticketId).ToListAsync();
        var cut = Assert.Single(attempts);
        Assert.Null(cut.StatusCode);
        Assert.Equal(WebhookSender.Stopping, cut.Error);
    }
}
