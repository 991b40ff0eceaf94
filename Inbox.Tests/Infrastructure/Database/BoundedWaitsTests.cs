using Inbox.Infrastructure.Database;
using Npgsql;

namespace Inbox.Tests.Infrastructure.Database;

public sealed class BoundedWaitsTests
{
    [Fact]
    public void A_connection_string_without_timeouts_gets_the_bounded_ones()
    {
        var bounded = new NpgsqlConnectionStringBuilder(InboxDatabase.WithBoundedWaits("Host=db;Database=inbox;Username=u"));

        Assert.Equal(InboxDatabase.ConnectTimeoutSeconds, bounded.Timeout);
        Assert.Equal(InboxDatabase.CommandTimeoutSeconds, bounded.CommandTimeout);
        Assert.Equal(InboxDatabase.CancellationTimeoutMilliseconds, bounded.CancellationTimeout);
        Assert.Equal(InboxDatabase.KeepaliveSeconds, bounded.KeepAlive);
        Assert.True(bounded.TcpKeepAlive);
        Assert.True(bounded.NoResetOnClose); // keeps the backend's cached plans (PreparedStatementsTests)
        Assert.Equal("db", bounded.Host);
    }

    [Fact]
    public void Timeouts_the_operator_set_are_kept()
    {
        var bounded = new NpgsqlConnectionStringBuilder(InboxDatabase.WithBoundedWaits("Host=db;Command Timeout=30;timeout=9;keepalive=0"));

        Assert.Equal(30, bounded.CommandTimeout);
        Assert.Equal(9, bounded.Timeout);
        Assert.Equal(0, bounded.KeepAlive);
        Assert.Equal(InboxDatabase.CancellationTimeoutMilliseconds, bounded.CancellationTimeout);
    }
}
