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
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();
        DataSource = builder.Build();
        Options = new DataOptions()
            .UseConnectionFactory(PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15), _ => DataSource.CreateConnection())
            .UseMappingSchema(Mapping);
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
