namespace Inbox.Tests.Features.Cron;

/// <summary>The cron trigger. Only the first test makes tickets, so the counts it pins are this class's own.</summary>
public sealed class Tests(WebhookApp app) : IClassFixture<WebhookApp>
{
    HttpClient Cron(string? secret)
    {
        var client = app.Client();
        if (secret is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("X-Cron-Secret", secret);
        return client;
    }

    [Fact]
    public async Task Check_overdue_runs_a_sweep_and_answers_its_counts()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        await Webhooks.WebhookApi.CreateEndpointAsync(client, receiver.Url);
        await Webhooks.WebhookApi.OpenOverdueTicketAsync(client, admin.Id, app.Clock.GetCurrentInstant(), Duration.FromHours(1));

        var first = await Cron(WebhookApp.CronSecret).PostAsync("/api/cron/check-overdue", null);
        await Snap.MatchAsync(first, "first");
        Assert.Single(receiver.Requests);

        var again = await Cron(WebhookApp.CronSecret).PostAsync("/api/cron/check-overdue", null);
        await Snap.MatchAsync(again, "again");
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData(WebhookApp.CronSecret + "x")]
    [InlineData("TEST-CRON-SECRET")]
    public async Task A_missing_or_wrong_secret_is_401(string? secret)
    {
        await ProblemAssert.IsAsync(await Cron(secret).PostAsync("/api/cron/check-overdue", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_secret_gets_a_401_problem()
    {
        await Snap.MatchAsync(await Cron("wrong").PostAsync("/api/cron/check-overdue", null));
    }
}

/// <summary>The service as deployed without <c>Cron:Secret</c>.</summary>
public sealed class UnconfiguredTests(InboxApp app) : IClassFixture<InboxApp>
{
    [Theory]
    [InlineData("")]
    [InlineData("test-cron-secret")]
    public async Task Without_a_configured_secret_everyone_gets_401(string secret)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Cron-Secret", secret);

        await ProblemAssert.IsAsync(await client.PostAsync("/api/cron/check-overdue", null), HttpStatusCode.Unauthorized);
    }
}

/// <summary>The default rate limit (6 a minute per client IP), which WebhookApp raises for the other tests.</summary>
public sealed class RateLimitedCronApp : InboxApp
{
    public RateLimitedCronApp() => With("Cron:Secret", WebhookApp.CronSecret).With("Webhooks:SweepInterval", "1.00:00:00");
}

public sealed class RateLimitTests(RateLimitedCronApp app) : IClassFixture<RateLimitedCronApp>
{
    [Fact]
    public async Task The_seventh_call_within_a_minute_is_429_with_retry_after()
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Add("X-Cron-Secret", WebhookApp.CronSecret);
        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/cron/check-overdue", null)).StatusCode);

        var limited = await client.PostAsync("/api/cron/check-overdue", null);

        await ProblemAssert.IsAsync(limited, (HttpStatusCode)429);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
