using System.Text;
using Inbox.Features.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Features.Realtime;

public sealed class SmallQueueApp : InboxApp
{
    public SmallQueueApp() => With("Realtime:SendQueueCapacity", "8");
}

public sealed class SlowConsumerTests(SmallQueueApp app) : IClassFixture<SmallQueueApp>
{
    [Fact]
    public async Task A_reader_that_stops_reading_is_closed_while_a_fast_one_gets_every_frame()
    {
        var admin = await app.SignUpAsync();
        var slowUser = await app.AddUserAsync(admin);
        await using var fast = await TestSocket.ConnectAsync(app, admin);
        await using var slow = await TestSocket.ConnectAsync(app, slowUser); // and never reads again
        var registry = app.Services.GetRequiredService<ConnectionRegistry>();
        await fast.WaitForAsync("presence", f => f["userId"]!.GetValue<Guid>() == slowUser.Id);

        // 200 frames of 64 KiB: far more than the socket buffers and the 8-frame queue of a reader that does not read.
        var padding = new string('x', 64 * 1024);
        const int count = 200;
        var received = Task.Run(async () =>
        {
            var seen = 0;
            while (seen < count)
                if ((await fast.ReceiveAsync(TimeSpan.FromSeconds(30)))["type"]!.GetValue<string>() == "test.flood") seen++;
            return seen;
        });
        for (var i = 0; i < count; i++)
        {
            registry.Broadcast(Target.Account(admin.AccountId), Encoding.UTF8.GetBytes($$"""{"type":"test.flood","n":{{i}},"pad":"{{padding}}"}"""));
            // Pace the producer at what a reader can take: the fast reader keeps up, the slow one falls behind.
            await Task.Delay(5);
        }

        Assert.Equal(count, await received);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (registry.LocalConnectionsOf(slowUser.Id) > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(0, registry.LocalConnectionsOf(slowUser.Id));
        Assert.Equal(1, registry.LocalConnectionsOf(admin.Id));
    }
}
