using Inbox.Infrastructure.Auth;
using Inbox.Infrastructure.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime.Testing;

namespace Inbox.Tests.Features.Sessions;

/// <summary>The in-memory set of ended sessions: bounded by one token lifetime of revocations, and each announced once.</summary>
public sealed class RevocationSetTests(InboxApp app) : IClassFixture<InboxApp>
{
    SessionRevocations NewSet(FakeClock clock) => new(
        app.Services.GetRequiredService<InboxDatabase>(),
        Options.Create(new AuthOptions { AccessTokenLifetime = TimeSpan.FromMinutes(15) }),
        clock,
        NullLogger<SessionRevocations>.Instance);

    [Fact(Timeout = 30_000)]
    public async Task A_revocation_is_forgotten_once_every_token_it_could_refuse_has_expired()
    {
        var clock = new FakeClock(SystemClock.Instance.GetCurrentInstant());
        var set = NewSet(clock);
        var ended = Guid.CreateVersion7();
        set.Revoked(ended);

        clock.Advance(Duration.FromMinutes(15)); // a token issued just before the revocation is still inside its 30 s skew
        set.Prune();
        Assert.Equal(1, set.Count);
        Assert.False(await set.IsLiveAsync(ended, CancellationToken.None));

        clock.Advance(Duration.FromSeconds(31));
        set.Prune();
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Each_session_is_announced_once_however_many_times_it_is_heard_of()
    {
        var clock = new FakeClock(SystemClock.Instance.GetCurrentInstant());
        var set = NewSet(clock);
        var announced = new List<Guid>();
        set.SessionRevoked += announced.Add;
        var ended = Guid.CreateVersion7();

        set.Revoked(ended);                                      // on the instance that revoked it, after its commit
        set.Learn(ended, clock.GetCurrentInstant());             // its own notification, coming back
        set.Loaded([(ended, clock.GetCurrentInstant())]);        // and a reload after a reconnect

        Assert.Equal([ended], announced);
        Assert.True(set.IsSynced);
    }

    [Fact(Timeout = 30_000)]
    public async Task Until_loaded_an_unknown_session_is_looked_up_in_the_database()
    {
        var user = await app.SignUpAsync();
        var set = NewSet(new FakeClock(SystemClock.Instance.GetCurrentInstant()));
        var session = SessionChecks.SessionOf(user.AccessToken);

        Assert.False(set.IsSynced);
        Assert.True(await set.IsLiveAsync(session, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NoContent, (await app.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);
        // This set heard nothing (it has no listener): only the database can tell it.
        Assert.False(await set.IsLiveAsync(session, CancellationToken.None));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_the_database_away_before_the_first_load_a_token_is_neither_let_in_nor_called_bad()
    {
        var user = await app.SignUpAsync();
        // Same signing key, no database: the instance can check the signature but not whether the session ended.
        await using var away = new InboxApp().With("DATABASE_URL", "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2");
        await away.InitializeAsync();

        var response = await away.ClientFor(user).GetAsync("/api/me");

        await ProblemAssert.IsAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.False(away.Revocations().IsSynced);
    }
}
