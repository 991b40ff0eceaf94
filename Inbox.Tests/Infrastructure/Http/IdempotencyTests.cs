using Inbox.Infrastructure.Database;
using Inbox.Infrastructure.Http;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Inbox.Tests.Infrastructure.Http;

public sealed class IdempotencyTests(InboxApp app) : IClassFixture<InboxApp>
{
    static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task A_repeat_with_the_same_body_replays_the_stored_answer_byte_for_byte()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);

        var first = await client.SendAsync(Post("/api/api-keys", new { name = "billing" }, "key-1"));
        var again = await client.SendAsync(Post("/api/api-keys", new { name = "billing" }, "key-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(JsonNode.Parse(await client.GetStringAsync("/api/api-keys"))!.AsArray());
    }

    [Fact]
    public async Task A_repeat_with_a_different_body_is_a_422_problem()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await client.SendAsync(Post("/api/api-keys", new { name = "billing" }, "key-2"));

        var different = await client.SendAsync(Post("/api/api-keys", new { name = "shipping" }, "key-2"));

        await Snap.MatchAsync(different);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_account()
    {
        var first = app.ClientFor(await app.SignUpAsync());
        var second = app.ClientFor(await app.SignUpAsync());

        var a = await first.SendAsync(Post("/api/api-keys", new { name = "same" }, "shared-key"));
        var b = await second.SendAsync(Post("/api/api-keys", new { name = "same" }, "shared-key"));

        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        Assert.False(b.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_duplicates_create_exactly_one_row()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SendAsync(Post("/api/api-keys", new { name = "race" }, "race-key"))));

        await using var db = app.Service<InboxDatabase>().Open();
        Assert.Equal(1, await db.ApiKeys.CountAsync(k => k.AccountId == admin.AccountId));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var bodies = await Task.WhenAll(created.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Single(created, r => !r.Headers.Contains("Idempotent-Replayed"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    public async Task A_malformed_key_is_a_400_problem(string key)
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/api-keys") { Content = JsonContent.Create(new { name = "x" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        await ProblemAssert.IsAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, "Idempotency-Key");
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_is_a_400_problem()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        await ProblemAssert.IsAsync(await client.SendAsync(Post("/api/api-keys", new { name = "x" }, new string('k', 256))), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Records_older_than_24_hours_are_cleaned_up()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await client.SendAsync(Post("/api/api-keys", new { name = "old" }, "old-key"));
        await client.SendAsync(Post("/api/api-keys", new { name = "fresh" }, "fresh-key"));
        await using var db = app.Service<InboxDatabase>().Open();
        var dayAndABitAgo = SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(25);
        await db.IdempotencyRecords.Where(r => r.AccountId == admin.AccountId && r.Key == "old-key").Set(r => r.CreatedAt, dayAndABitAgo).UpdateAsync();

        var cleanup = app.Services.GetServices<IHostedService>().OfType<IdempotencyCleanup>().Single();
        await cleanup.RunOnceAsync(CancellationToken.None);

        var keys = await db.IdempotencyRecords.Where(r => r.AccountId == admin.AccountId).Select(r => r.Key).ToListAsync();
        Assert.Equal(["fresh-key"], keys);
    }
}
