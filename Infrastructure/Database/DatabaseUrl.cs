using Npgsql;

namespace Inbox.Infrastructure.Database;

/// <summary>
/// Turns the <c>DATABASE_URL</c> setting into an Npgsql connection string. Render (and Heroku before it)
/// hand out <c>postgres://user:pass@host:port/db?sslmode=require</c>; people running it elsewhere often
/// paste an Npgsql connection string instead. Both are accepted; anything else is refused with a message
/// that says what was expected, never with the value itself (it holds a password).
/// </summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new FormatException("DATABASE_URL is empty: expected postgres://user:pass@host:port/db or an Npgsql connection string.");

        value = value.Trim();
        return value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
               value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            ? FromUrl(value)
            : FromKeyValuePairs(value);
    }

    static string FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new FormatException("DATABASE_URL is not a valid URL: expected postgres://user:pass@host:port/db.");

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new FormatException("DATABASE_URL names no database: expected postgres://user:pass@host:port/db.");

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
        };

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var setting = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            // libpq spells it sslmode; Npgsql understands the same values under "SSL Mode".
            if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase)) key = "SSL Mode";
            try
            {
                builder[key] = setting;
            }
            catch (ArgumentException)
            {
                throw new FormatException($"DATABASE_URL has an unknown or invalid query option '{key}'.");
            }
        }

        return builder.ConnectionString;
    }

    static string FromKeyValuePairs(string value)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException)
        {
            throw new FormatException("DATABASE_URL is neither a postgres:// URL nor a valid Npgsql connection string (Host=...;Database=...).");
        }

        if (string.IsNullOrEmpty(builder.Host))
            throw new FormatException("DATABASE_URL names no host: expected postgres://user:pass@host:port/db or Host=...;Database=....");
        return builder.ConnectionString;
    }
}
