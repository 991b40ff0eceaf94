using Inbox.Infrastructure.Events;

namespace Inbox.Features.ReadReceipts;

public static class ReadReceiptsSetup
{
    /// <summary>
    /// The unread counter: one instance that hears every inbox event (each says whose counts it moved) and runs the
    /// background loop that recounts and raises <c>unread.updated</c>.
    /// </summary>
    public static IServiceCollection AddUnreadCounts(this IServiceCollection services)
    {
        services.AddSingleton<UnreadCounts>();
        services.AddHostedService(sp => sp.GetRequiredService<UnreadCounts>());
        services.AddSingleton<IInboxEventSubscriber>(sp => sp.GetRequiredService<UnreadCounts>());
        return services;
    }
}
