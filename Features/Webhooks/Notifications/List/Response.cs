namespace Inbox.Features.Webhooks.Notifications.List;

public sealed record Response(
    Guid Id, Guid? TicketId, Guid EndpointId, string EventId, int Attempt, int? StatusCode, string? Error, int DurationMs, Instant SentAt);
