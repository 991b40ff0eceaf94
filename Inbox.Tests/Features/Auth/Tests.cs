using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Inbox.Tests.Features.Auth;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Login_answers_the_user_and_a_token_pair()
    {
        await app.SignUpAsync(name: "Léa Girard", email: "lea.girard@garage.example");

        var response = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = "LEA.GIRARD@garage.example", password = TestAccounts.DefaultPassword });

        await Snap.MatchAsync(response, scrubFields: "refreshToken");
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_401()
    {
        var user = await app.SignUpAsync();

        var wrongPassword = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "not the password" });
        var unknownEmail = await app.Client().PostAsJsonAsync("/api/auth/login", new { email = "nobody-" + user.Email, password = "not the password" });

        await Snap.MatchAsync(wrongPassword);
        Assert.Equal(wrongPassword.StatusCode, unknownEmail.StatusCode);
        Assert.Equal(await wrongPassword.Content.ReadAsStringAsync(), await unknownEmail.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Me_answers_the_signed_in_user()
    {
        var user = await app.SignUpAsync(name: "Hugo Lefèvre", email: "hugo@lefevre.example");

        await Snap.MatchAsync(await app.ClientFor(user).GetAsync("/api/me"));
    }

    [Fact]
    public async Task Refresh_rotates_the_pair_and_the_new_access_token_works()
    {
        var user = await app.SignUpAsync();

        var response = await app.Client().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        await Snap.MatchAsync(response, scrubFields: "refreshToken");
        var pair = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var me = await app.ClientFor(user with { AccessToken = pair["accessToken"]!.GetValue<string>() }).GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.NotEqual(user.RefreshToken, pair["refreshToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_the_whole_family()
    {
        var user = await app.SignUpAsync();
        var client = app.Client();
        var first = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        var successor = (await first.Content.ReadFromJsonAsync<JsonObject>())!["refreshToken"]!.GetValue<string>();

        var replay = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        var successorAfterReplay = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = successor });

        await Snap.MatchAsync(replay);
        await ProblemAssert.IsAsync(successorAfterReplay, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_a_401()
    {
        var response = await app.Client().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "rt_never-issued" });

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_ends_the_session_so_its_refresh_token_stops_working()
    {
        var user = await app.SignUpAsync();

        var logout = await app.ClientFor(user).PostAsJsonAsync("/api/auth/logout", new { refreshToken = user.RefreshToken });
        var refresh = await app.Client().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });

        await Snap.MatchAsync(logout);
        await ProblemAssert.IsAsync(refresh, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_with_another_users_refresh_token_does_not_end_that_session()
    {
        var victim = await app.SignUpAsync();
        var attacker = await app.SignUpAsync();

        var logout = await app.ClientFor(attacker).PostAsJsonAsync("/api/auth/logout", new { refreshToken = victim.RefreshToken });
        var victimRefresh = await app.Client().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = victim.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, victimRefresh.StatusCode);
    }

    [Fact]
    public async Task A_missing_token_is_a_401_problem()
    {
        await Snap.MatchAsync(await app.Client().GetAsync("/api/me"));
    }

    public static TheoryData<string> ForgedTokens()
    {
        var now = DateTime.UtcNow;
        var subject = new ClaimsIdentity([new Claim("sub", Guid.CreateVersion7().ToString()), new Claim("acc", Guid.CreateVersion7().ToString()), new Claim("role", "admin"), new Claim("sid", Guid.CreateVersion7().ToString())]);
        string Sign(byte[] key, string algorithm = SecurityAlgorithms.HmacSha256, DateTime? expires = null, string issuer = "inbox", string audience = "inbox") =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                Subject = subject,
                IssuedAt = (expires ?? now.AddMinutes(15)).AddMinutes(-15),
                NotBefore = (expires ?? now.AddMinutes(15)).AddMinutes(-15),
                Expires = expires ?? now.AddMinutes(15),
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), algorithm),
            });
        var ourKey = Encoding.UTF8.GetBytes(InboxApp.SigningKey);

        return new TheoryData<string>
        {
            Sign(Encoding.UTF8.GetBytes("another-key-that-is-also-long-enough-for-hs256")),
            Sign(ourKey, expires: now.AddMinutes(-2)), // past the 30 s skew
            Sign(ourKey, issuer: "someone-else"),
            Sign(ourKey, audience: "someone-else"),
            Sign(Encoding.UTF8.GetBytes(InboxApp.SigningKey + InboxApp.SigningKey), SecurityAlgorithms.HmacSha512),
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = "inbox", Audience = "inbox", Subject = subject, Expires = now.AddMinutes(15) }), // alg: none
            "not-a-jwt",
        };
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Forged_expired_and_unsigned_tokens_are_refused(string token)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await ProblemAssert.IsAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/api/auth/login", """{"email":"a@example.com"}""", "password")]
    [InlineData("/api/auth/login", """{"password":"x"}""", "email")]
    [InlineData("/api/auth/login", """{"email":42,"password":"x"}""", null)]
    [InlineData("/api/auth/login", """{"email":"a\u0000@example.com","password":"x"}""", "email")]
    [InlineData("/api/auth/login", """{"email":null,"password":"x"}""", "email")]
    [InlineData("/api/auth/login", """"{"email":"a@example.com","password":"x"""", null)]
    [InlineData("/api/auth/refresh", """{}""", "refreshToken")]
    [InlineData("/api/auth/refresh", """{"refreshToken":["a"]}""", null)]
    [InlineData("/api/auth/refresh", """not json""", null)]
    public async Task Bad_auth_input_is_a_400_problem(string path, string json, string? field)
    {
        var response = await app.Client().PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
    }
}

public sealed class ThrottledApp : InboxApp
{
    public ThrottledApp() => With("Auth:LoginAttemptsPerMinutePerEmail", "3").With("Auth:LoginAttemptsPerMinutePerIp", "1000");
}

public sealed class ThrottlingTests(ThrottledApp app) : IClassFixture<ThrottledApp>
{
    [Fact]
    public async Task Login_attempts_over_the_per_email_limit_get_429_with_retry_after()
    {
        var user = await app.SignUpAsync();
        var client = app.Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "wrong password" })).StatusCode);

        var limited = await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email.ToUpperInvariant(), password = TestAccounts.DefaultPassword });
        var otherEmail = await client.PostAsJsonAsync("/api/auth/login", new { email = "someone-else@example.com", password = "wrong password" });

        await Snap.MatchAsync(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Unauthorized, otherEmail.StatusCode);
    }
}

public sealed class IpThrottledApp : InboxApp
{
    public IpThrottledApp() => With("Auth:LoginAttemptsPerMinutePerIp", "2");
}

public sealed class IpThrottlingTests(IpThrottledApp app) : IClassFixture<IpThrottledApp>
{
    [Fact]
    public async Task Refresh_attempts_over_the_per_ip_limit_get_429()
    {
        var client = app.Client();
        for (var i = 0; i < 2; i++)
            await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = $"rt_unknown_{i}" });

        var limited = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "rt_unknown_3" });

        await ProblemAssert.IsAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
