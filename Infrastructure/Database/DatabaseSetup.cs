namespace Inbox.Infrastructure.Database;

public static class DatabaseSetup
{
    public static IServiceCollection AddInboxDatabase(this IServiceCollection services)
    {
        // Resolved on first use (the migrator at start-up): that is when the embedded cluster starts, after the
        // host's configuration, test overrides included, is complete.
        services.AddSingleton(sp => InboxDatabase.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Inbox.Database")));
        services.AddSingleton<DatabaseReadiness>();
        services.AddSingleton<DatabaseOutage>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddScoped(sp => sp.GetRequiredService<InboxDatabase>().Open());
        return services;
    }
}
