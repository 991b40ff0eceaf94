namespace Inbox.Features.Webhooks.Notifications.List;

public sealed record Response(
    Guid Id, string? EventType, Guid? TicketId, Guid? ContactId, Guid EndpointId, string EventId, int Attempt, int? StatusCode,
    string? Error, int DurationMs, Instant SentAt);
