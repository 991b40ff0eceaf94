using Inbox.Features.Cron;
using Inbox.Features.ReadReceipts;
using Inbox.Features.Realtime;
using Inbox.Features.Tickets.Overdue;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Json;
using Inbox.Features.Seeding;

// `dotnet run -- seed` (./run.sh seed): migrate, fill the database with demo data (Features/Seeding), exit.
var seeding = args is ["seed", ..];
// `dotnet run -- recount-unread` (./run.sh recount-unread): migrate, check and repair the stored unread counts, exit.
var recounting = args is ["recount-unread", ..];
var builder = WebApplication.CreateBuilder(seeding || recounting ? args[1..] : args);

// Render (and most PaaS) tell the port through PORT; without it ASP.NET Core's own --urls / ASPNETCORE_URLS apply.
if (builder.Configuration["PORT"] is { Length: > 0 } port)
    builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ErrorHandling.MaxRequestBodyBytes);
// How long a stop waits for requests and background work before cutting them (HostOptions:ShutdownTimeout).
builder.Services.Configure<HostOptions>(host =>
    host.ShutdownTimeout = builder.Configuration.GetValue("HostOptions:ShutdownTimeout", TimeSpan.FromSeconds(15)));

builder.Services.AddSingleton<IClock>(SystemClock.Instance);
builder.Services.AddInboxDatabase();
builder.Services.AddInboxAuth(builder.Configuration, builder.Environment);
builder.Services.AddInboxRateLimits(builder.Configuration);
builder.Services.AddSingleton<Sessions>();
builder.Services.AddSingleton<SessionRevocations>();
builder.Services.AddHostedService<IdempotencyCleanup>();
builder.Services.AddInboxEvents();
builder.Services.AddUnreadCounts();
builder.Services.AddRealtime(builder.Configuration);
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddOverdueSweep();
builder.Services.AddCron(builder.Configuration);
builder.Services.AddFastEndpoints();

var app = builder.Build();
var startupLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Inbox.Startup");

// Seeding needs the database only, not the HTTP settings (a signing key) checked below.
if (seeding)
{
    var code = await Seeder.RunAsync(app.Services, startupLog, CancellationToken.None);
    await app.DisposeAsync();
    return code;
}
if (recounting)
{
    var code = await UnreadRecount.RunCommandAsync(app.Services, startupLog, CancellationToken.None);
    await app.DisposeAsync();
    return code;
}

// Configuration mistakes (no signing key in Production, invalid settings, a bad DATABASE_URL, no PostgreSQL) stop the
// start with one clear line instead of a stack trace on the first request.
try
{
    app.Services.GetRequiredService<AccessTokenKey>();
    // Every ValidateOnStart option (Webhooks:*, Cron:*) now, before endpoints are built from them.
    app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
    app.Services.GetRequiredService<InboxDatabase>();
}
catch (Exception e) when (e is InvalidOperationException or FormatException or PostgresNotInstalledException or Microsoft.Extensions.Options.OptionsValidationException)
{
    startupLog.LogCritical("Inbox cannot start: {Reason}", e.Message);
    await app.DisposeAsync();
    return 1;
}

app.UseInboxErrorHandling();
// A NUL or broken UTF-8 in any query or route value is a 400 naming it, before anything binds it.
app.Use(InputTextCheck.RefuseInvalidTextAsync);
// The web page and the JS client (wwwroot/): `/` serves index.html; /api, /ws, /health and /ready fall through.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseRealtime();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseMiddleware<IdempotencyMiddleware>();
app.UseFastEndpoints(config =>
{
    JsonSetup.Configure(config.Serializer.Options);
    // Bodies that are not UTF-8, or JSON null, are 400s naming "body" (Infrastructure/Json/JsonBody.cs).
    config.Serializer.RequestDeserializer = JsonBody.Deserializer(config.Serializer.Options);
    config.Errors.ContentType = Problem.ContentType;
    config.Errors.ProducesMetadataType = typeof(Problem);
    config.Errors.GeneralErrorsField = Problem.GeneralErrorsField;
    config.Errors.ResponseBuilder = (failures, _, status) => Problem.FromFailures(failures, status);
    config.Binding.FailureMessage = BindingErrors.QueryValueMessage;
    config.Binding.JsonExceptionTransformer = BindingErrors.FromJsonException;
});

try
{
    await app.RunAsync();
}
catch (MigrationFailedException e)
{
    startupLog.LogCritical("{Reason}", e.Message);
    await app.DisposeAsync();
    return 1;
}
catch (Exception e) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
{
    // Last guard of a clean stop: every hosted service catches its own errors in StopAsync, and one that still
    // throws is a bug to log, not a reason to die with SIGABRT and leave the host half stopped.
    startupLog.LogError(e, "A service failed while the host was stopping");
}
return 0;

/// <summary>Visible to the test host (<c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program;
