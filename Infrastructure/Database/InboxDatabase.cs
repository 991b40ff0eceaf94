using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.Mapping;
using Npgsql;

namespace Inbox.Infrastructure.Database;

/// <summary>
/// The one database of the service: a single <see cref="NpgsqlDataSource"/> (pooling, NodaTime types) that
/// linq2db shares, over either DATABASE_URL or the embedded cluster. A singleton; disposing it stops the
/// embedded cluster when there is one.
/// </summary>
public sealed class InboxDatabase : IDisposable
{
    static readonly MappingSchema Mapping = CreateMappingSchema();

    readonly EmbeddedPostgres? _embedded;

    public NpgsqlDataSource DataSource { get; }
    public DataOptions Options { get; }
    public string ConnectionString { get; }

    public InboxDatabase(string connectionString, EmbeddedPostgres? embedded = null)
    {
        _embedded = embedded;
        ConnectionString = connectionString;
        var builder = new NpgsqlDataSourceBuilder(WithBoundedWaits(connectionString));
        builder.UseNodaTime();
        DataSource = builder.Build();
        Options = new DataOptions()
            .UseConnectionFactory(PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15), _ => DataSource.CreateConnection())
            .UseMappingSchema(Mapping)
            .UseInterceptor(PreparedStatements.Interceptor);
    }

    /// <summary>DATABASE_URL when set, else the private cluster under <c>.data/pg</c> of the content root.</summary>
    public static InboxDatabase FromConfiguration(IConfiguration configuration, IHostEnvironment environment, ILogger logger)
    {
        var url = configuration["DATABASE_URL"];
        if (!string.IsNullOrWhiteSpace(url))
            return new InboxDatabase(DatabaseUrl.ToConnectionString(url));

        var dataDirectory = Path.Combine(environment.ContentRootPath, ".data", "pg");
        var embedded = EmbeddedPostgres.Start(dataDirectory, logger);
        return new InboxDatabase(embedded.ConnectionString(), embedded);
    }

    public InboxDb Open() => new(Options);

    /// <summary>
    /// How long anything may wait on the database, unless the connection string says otherwise. Npgsql's defaults
    /// (15 s to connect, 30 s per command, and a cancellation that waits for a server that may be frozen) would
    /// hold a request half a minute when PostgreSQL hangs; these bound it to about 2.5 s, so a request answers
    /// 503 within the contract's 3 s. Every statement a request runs takes milliseconds; work that may take
    /// longer (migrations, the seed) sets its own timeout. Keepalives find a dead server on idle connections
    /// (the backplane's LISTEN connection above all) instead of waiting for TCP to give up.
    /// <para>
    /// No Reset On Close: Npgsql would otherwise send <c>DISCARD ALL</c> each time a pooled connection is reused,
    /// which also throws away every plan the backend cached (the foreign-key checks' and the contacts trigger's,
    /// replanned on every message post; and the prepared statements, see <see cref="PreparedStatements"/>). The
    /// service leaves no session state on pooled connections: no session SET, no temporary table, no session
    /// advisory lock; its LISTEN connections are unpooled. Npgsql still rolls back a transaction left open.
    /// </para>
    /// Documented in docs/operations.md.
    /// </summary>
    internal static string WithBoundedWaits(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's builder knows every keyword, so only the plain parse tells which ones the string itself names.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(Normalize).ToHashSet();
        static string Normalize(string key) => key.Replace(" ", "").ToLowerInvariant();
        void Default(string key, object value)
        {
            if (!given.Contains(Normalize(key))) builder[key] = value;
        }
        Default("Timeout", ConnectTimeoutSeconds);
        Default("Command Timeout", CommandTimeoutSeconds);
        Default("Cancellation Timeout", CancellationTimeoutMilliseconds);
        Default("Keepalive", KeepaliveSeconds);
        Default("Tcp Keepalive", true);
        Default("No Reset On Close", true);
        return builder.ConnectionString;
    }

    public const int ConnectTimeoutSeconds = 2;
    public const int CommandTimeoutSeconds = 2;
    public const int CancellationTimeoutMilliseconds = 500;
    public const int KeepaliveSeconds = 10;

    static MappingSchema CreateMappingSchema()
    {
        var schema = new MappingSchema();
        // Without this linq2db would take NodaTime types for entities; Npgsql.NodaTime does the conversion.
        schema.AddScalarType(typeof(Instant), LinqToDB.DataType.DateTimeOffset);
        schema.AddScalarType(typeof(Instant?), LinqToDB.DataType.DateTimeOffset);
        return schema;
    }

    public void Dispose()
    {
        DataSource.Dispose();
        _embedded?.Dispose();
    }
}

/// <summary>A linq2db connection for one unit of work (a request, a sweep). Tables are added per feature as row classes.</summary>
public sealed partial class InboxDb(DataOptions options) : DataConnection(options);
