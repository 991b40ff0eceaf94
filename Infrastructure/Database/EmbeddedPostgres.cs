using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Inbox.Infrastructure.Database;

/// <summary>Raised when no PostgreSQL server binaries are installed and no DATABASE_URL was given.</summary>
public sealed class PostgresNotInstalledException() : Exception(
    "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them (apt-get install postgresql) or set DATABASE_URL to an existing server.");

/// <summary>
/// A private PostgreSQL cluster owned by this process: created with initdb on first use, started on a free
/// loopback port, stopped again on dispose. The service uses it under <c>.data/pg</c> when DATABASE_URL is not
/// set, and the test suite uses the very same code in a temp folder.
/// PostgreSQL refuses to run as root, so as root every server command runs as the <c>postgres</c> user and the
/// data folder is handed to that user.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    public const string Superuser = "inbox";
    public const string DefaultDatabase = "inbox";

    readonly string _binDir;
    readonly bool _asPostgresUser;
    readonly ILogger _logger;
    readonly string _serverOptions;
    Process? _watchdog;
    bool _stopped;

    public string DataDirectory { get; }
    public int Port { get; }

    EmbeddedPostgres(string binDir, string dataDirectory, int port, string serverOptions, bool asPostgresUser, ILogger logger)
    {
        _binDir = binDir;
        _serverOptions = serverOptions;
        DataDirectory = dataDirectory;
        Port = port;
        _asPostgresUser = asPostgresUser;
        _logger = logger;
    }

    public string ConnectionString(string database = DefaultDatabase) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Creates (first run) and starts the cluster in <paramref name="dataDirectory"/>, and makes sure the
    /// <see cref="DefaultDatabase"/> exists. <paramref name="settings"/> are extra server settings
    /// (the tests turn fsync off).
    /// </summary>
    public static EmbeddedPostgres Start(string dataDirectory, ILogger logger, IReadOnlyDictionary<string, string>? settings = null)
    {
        var binDir = FindBinDirectory() ?? throw new PostgresNotInstalledException();
        var asPostgresUser = IsRoot();
        dataDirectory = Path.GetFullPath(dataDirectory);

        if (asPostgresUser && !PostgresUserCanReach(Path.GetDirectoryName(dataDirectory)!))
        {
            // A clone under /root (mode 700) cannot be entered by the postgres user; the cluster then lives in
            // the system temp folder, under a name derived from the project path so restarts find it again.
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..16];
            var fallback = Path.Combine(Path.GetTempPath(), $"inbox-pg-{key}");
            logger.LogWarning("The postgres user cannot reach {Requested}; keeping the embedded cluster in {Fallback} instead", dataDirectory, fallback);
            dataDirectory = fallback;
        }

        Directory.CreateDirectory(dataDirectory);
        if (asPostgresUser) Run("chown", ["-R", "postgres:postgres", dataDirectory], asPostgresUser: false);
        if (asPostgresUser || OperatingSystem.IsLinux()) Run("chmod", ["700", dataDirectory], asPostgresUser: false);

        var pgCtl = Path.Combine(binDir, "pg_ctl");
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Creating a PostgreSQL cluster in {DataDirectory}", dataDirectory);
            Run(Path.Combine(binDir, "initdb"),
                ["-D", dataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"],
                asPostgresUser);
        }
        else if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            // A server left behind by a process that was killed outright; stop it so this one owns the cluster.
            logger.LogWarning("Stopping a PostgreSQL server left running in {DataDirectory}", dataDirectory);
            TryRun(pgCtl, ["-D", dataDirectory, "stop", "-m", "fast", "-w"], asPostgresUser);
        }

        var port = FreeLoopbackPort();
        var options = new StringBuilder($"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            options.Append($" -c {name}={value}");

        var server = new EmbeddedPostgres(binDir, dataDirectory, port, options.ToString(), asPostgresUser, logger);
        server.StartServer();
        server.StartWatchdog(pgCtl);
        server.EnsureDatabase(DefaultDatabase);
        logger.LogInformation("Embedded PostgreSQL is listening on 127.0.0.1:{Port} with data in {DataDirectory}", port, dataDirectory);
        return server;
    }

    void StartServer() =>
        Run(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "-o", _serverOptions, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60", "start"], _asPostgresUser);

    /// <summary>For fault tests: stops the server at once, as a crash would (no checkpoint, every connection cut).</summary>
    internal void Crash() => Run(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "stop", "-m", "immediate", "-w"], _asPostgresUser);

    /// <summary>For fault tests: starts a crashed server again, on the same port, recovering from its log.</summary>
    internal void Restart() => StartServer();

    public void EnsureDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (exists.ExecuteScalar() is not null) return;
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
        create.ExecuteNonQuery();
    }

    /// <summary>
    /// A process that outlives us only to stop the server when we die without disposing (SIGKILL, a crashed
    /// test host): it polls our /proc entry and runs pg_ctl stop once it is gone.
    /// </summary>
    void StartWatchdog(string pgCtl)
    {
        var stop = $"{Quote(pgCtl)} -D {Quote(DataDirectory)} stop -m fast -w >/dev/null 2>&1";
        if (_asPostgresUser) stop = $"runuser -u postgres -- {stop}";
        var script = $"while [ -d /proc/{Environment.ProcessId} ]; do sleep 1; done; {stop}";
        var info = new ProcessStartInfo("setsid", ["sh", "-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _watchdog = Process.Start(info);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not start the PostgreSQL watchdog; a killed service may leave its server running");
        }
    }

    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        try
        {
            Run(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "stop", "-m", "fast", "-w"], _asPostgresUser);
            _logger.LogInformation("Embedded PostgreSQL stopped");
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Stopping the embedded PostgreSQL failed");
        }
        try { _watchdog?.Kill(); } catch (InvalidOperationException) { }
        _watchdog?.Dispose();
    }

    static string? FindBinDirectory()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot)) return null;
        return Directory.GetDirectories(debianRoot)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    static extern uint GetEffectiveUserId();

    static bool IsRoot() => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    static bool PostgresUserCanReach(string directory)
    {
        Directory.CreateDirectory(directory);
        return TryRun("test", ["-x", directory, "-a", "-r", directory], asPostgresUser: true);
    }

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    static bool TryRun(string file, string[] args, bool asPostgresUser)
    {
        try
        {
            Run(file, args, asPostgresUser);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    static void Run(string file, string[] args, bool asPostgresUser)
    {
        var info = asPostgresUser
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args])
            : new ProcessStartInfo(file, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        // Read both streams to the end before waiting, or a chatty child blocks on a full pipe.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {stderr.Result.Trim()} {stdout.Trim()}".Trim());
    }
}
