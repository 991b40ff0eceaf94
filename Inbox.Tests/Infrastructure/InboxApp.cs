using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime.Testing;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// The service on real Kestrel on a loopback port, over its own fresh database. A test class takes one as a
/// class fixture, so classes never see each other's rows and can run in parallel.
/// </summary>
public class InboxApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hmac-sha256";

    readonly Dictionary<string, string?> _settings = new();

    public string ConnectionString { get; private set; } = "";

    /// <summary>Set before the first request to drive time by hand; null means the system clock.</summary>
    public FakeClock? Clock { get; protected set; }

    /// <summary>Extra configuration (the names of API.md), applied before start.</summary>
    public InboxApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public virtual async Task InitializeAsync()
    {
        ConnectionString = _settings.TryGetValue("DATABASE_URL", out var url) && url is not null
            ? url
            : await TestPostgres.CreateDatabaseAsync();
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
    }

    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:41234 (use ws:// of it for sockets).</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DATABASE_URL", ConnectionString);
        builder.UseSetting("Auth:JwtSigningKey", SigningKey);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            if (Clock is not null) services.Replace(ServiceDescriptor.Singleton<IClock>(Clock));
        });
    }

    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
