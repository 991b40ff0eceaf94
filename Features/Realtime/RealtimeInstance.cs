namespace Inbox.Features.Realtime;

/// <summary>This process among the instances sharing the database.</summary>
public sealed class RealtimeInstance
{
    public Guid Id { get; } = Guid.CreateVersion7();
}
