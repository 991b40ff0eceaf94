using Inbox.Infrastructure.Database;
using Npgsql;

namespace Inbox.Tests.Infrastructure.Database;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void A_render_url_becomes_a_connection_string()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(
            "postgres://inbox_user:p%40ss%3Aword@dpg-abc123-a.frankfurt-postgres.render.com:6543/inbox_db?sslmode=require"));

        Assert.Equal("dpg-abc123-a.frankfurt-postgres.render.com", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("inbox_db", builder.Database);
        Assert.Equal("inbox_user", builder.Username);
        Assert.Equal("p@ss:word", builder.Password);
        Assert.Equal(SslMode.Require, builder.SslMode);
    }

    [Fact]
    public void A_url_without_port_uses_5432()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgresql://u:p@db.internal/app"));

        Assert.Equal(5432, builder.Port);
        Assert.Equal("app", builder.Database);
    }

    [Fact]
    public void An_npgsql_connection_string_is_taken_as_it_is()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("Host=10.0.0.5;Port=5433;Database=inbox;Username=svc;Password=x"));

        Assert.Equal("10.0.0.5", builder.Host);
        Assert.Equal(5433, builder.Port);
        Assert.Equal("svc", builder.Username);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("postgres://")]
    [InlineData("postgres://user:s3cr3t@host:5432")]
    [InlineData("postgres://user:s3cr3t@host:5432/")]
    [InlineData("postgres://user:s3cr3t@host:5432/db?nonsense_option=1")]
    [InlineData("this is not a connection string s3cr3t")]
    [InlineData("Database=inbox;Username=x;Password=s3cr3t")]
    public void Bad_values_are_refused_with_a_clear_message_that_hides_the_value(string value)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseUrl.ToConnectionString(value));

        Assert.StartsWith("DATABASE_URL", error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }
}
