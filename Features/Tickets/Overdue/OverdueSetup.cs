namespace Inbox.Features.Tickets.Overdue;

public static class OverdueSetup
{
    /// <summary>
    /// The overdue sweep, as a singleton (the cron trigger runs it too) and as the hosted loop. It needs the webhook
    /// engine (<c>AddWebhooks</c>), whose options hold its interval.
    /// </summary>
    public static IServiceCollection AddOverdueSweep(this IServiceCollection services)
    {
        services.AddSingleton<OverdueSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<OverdueSweep>());
        return services;
    }
}
