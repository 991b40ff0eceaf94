using System.Diagnostics;
using Inbox.Features.Realtime;
using Inbox.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// Two service instances on one database, as behind a load balancer, each ready for what the two-instance tests
/// check: each knows the other as a realtime peer (rather than at its next peer check), and each has its session
/// revocation listener connected and loaded (so revocations are answered from memory, the path under test, not by
/// the database fallback).
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public InboxApp A { get; } = new();
    public InboxApp B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await A.InitializeAsync();
        B = new InboxApp().With("DATABASE_URL", A.ConnectionString);
        await B.InitializeAsync();
        await A.Services.GetRequiredService<Backplane>().RefreshPeersAsync(CancellationToken.None);
        await B.Services.GetRequiredService<Backplane>().RefreshPeersAsync(CancellationToken.None);
        await A.Services.GetRequiredService<Backplane>().RefreshPeersAsync(CancellationToken.None);
        await WaitSessionsSyncedAsync(A);
        await WaitSessionsSyncedAsync(B);
    }

    /// <summary>Until the instance's session listener has connected and loaded (bounded: start-up on a busy machine).</summary>
    public static async Task WaitSessionsSyncedAsync(InboxApp app)
    {
        var deadline = Stopwatch.StartNew();
        while (!app.Services.GetRequiredService<SessionRevocations>().IsSynced)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "the session listener never loaded");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
