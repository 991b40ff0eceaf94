using System.Net.Http.Headers;
using Bogus;

namespace Inbox.Tests.Infrastructure;

/// <summary>A signed-in user of a test account, with the tokens sign-up or login handed back.</summary>
public sealed record TestUser(Guid AccountId, Guid Id, string Name, string Email, string Password, string Role, string AccessToken, string RefreshToken);

/// <summary>An API key of a test account.</summary>
public sealed record TestApiKey(Guid AccountId, Guid Id, string Key);

/// <summary>Makes accounts, users and keys through the public API, the way a client would.</summary>
public static class TestAccounts
{
    public const string DefaultPassword = "correct horse battery";
    static readonly Faker Faker = new("en");

    /// <summary>A unique address: emails are unique across the whole service.</summary>
    public static string UniqueEmail() => $"{Faker.Internet.UserName().ToLowerInvariant().Replace("'", "")}.{Guid.NewGuid().ToString("N")[..10]}@example.com";

    /// <summary>Signs up a new account; the returned user is its admin.</summary>
    public static async Task<TestUser> SignUpAsync(this InboxApp app, string? accountName = null, string? name = null, string? email = null)
    {
        var request = new
        {
            accountName = accountName ?? Faker.Company.CompanyName(),
            name = name ?? Faker.Name.FullName(),
            email = email ?? UniqueEmail(),
            password = DefaultPassword,
        };
        var response = await app.Client().PostAsJsonAsync("/api/accounts", request);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"sign-up answered {(int)response.StatusCode}: {body}");
        return new TestUser(
            body!["account"]!["id"]!.GetValue<Guid>(), body["user"]!["id"]!.GetValue<Guid>(), request.name, request.email, request.password,
            "admin", body["accessToken"]!.GetValue<string>(), body["refreshToken"]!.GetValue<string>());
    }

    /// <summary>An admin adds a user to their account, who then logs in.</summary>
    public static async Task<TestUser> AddUserAsync(this InboxApp app, TestUser admin, string role = "agent", string? name = null, string? email = null)
    {
        var request = new { name = name ?? Faker.Name.FullName(), email = email ?? UniqueEmail(), password = DefaultPassword, role };
        var created = await app.ClientFor(admin).PostAsJsonAsync("/api/users", request);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating a user answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        return await app.LoginAsync(request.email, request.password);
    }

    public static async Task<TestUser> LoginAsync(this InboxApp app, string email, string password = DefaultPassword)
    {
        var response = await app.Client().PostAsJsonAsync("/api/auth/login", new { email, password });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login answered {(int)response.StatusCode}: {body}");
        var user = body!["user"]!;
        return new TestUser(user["accountId"]!.GetValue<Guid>(), user["id"]!.GetValue<Guid>(), user["name"]!.GetValue<string>(), email, password,
            user["role"]!.GetValue<string>(), body["accessToken"]!.GetValue<string>(), body["refreshToken"]!.GetValue<string>());
    }

    public static async Task<TestApiKey> AddApiKeyAsync(this InboxApp app, TestUser admin, string name = "integration")
    {
        var response = await app.ClientFor(admin).PostAsJsonAsync("/api/api-keys", new { name });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating an API key answered {(int)response.StatusCode}: {body}");
        return new TestApiKey(admin.AccountId, body!["id"]!.GetValue<Guid>(), body["key"]!.GetValue<string>());
    }

    /// <summary>A client that sends the user's access token.</summary>
    public static HttpClient ClientFor(this InboxApp app, TestUser user)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    /// <summary>A client that sends the API key.</summary>
    public static HttpClient ClientFor(this InboxApp app, TestApiKey key)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        return client;
    }
}
