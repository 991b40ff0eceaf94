using LinqToDB.Mapping;

namespace Inbox.Infrastructure.Database;

[Table("webhook_endpoints")]
public sealed class WebhookEndpointRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("url"), NotNull] public string Url { get; set; } = "";
    [Column("events"), NotNull] public string[] Events { get; set; } = [];
    [Column("secret"), NotNull] public string Secret { get; set; } = "";
    [Column("enabled")] public bool Enabled { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("disabled_at")] public Instant? DisabledAt { get; set; }
    [Column("deleted_at")] public Instant? DeletedAt { get; set; }
}

/// <summary>The states of <see cref="WebhookDeliveryRow.State"/>.</summary>
public static class DeliveryState
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

[Table("webhook_deliveries")]
public sealed class WebhookDeliveryRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("endpoint_id")] public Guid EndpointId { get; set; }
    [Column("ticket_id")] public Guid? TicketId { get; set; }
    [Column("contact_id")] public Guid? ContactId { get; set; }
    [Column("event_id"), NotNull] public string EventId { get; set; } = "";
    [Column("type"), NotNull] public string Type { get; set; } = "";
    [Column("payload"), NotNull] public string Payload { get; set; } = "";
    [Column("state"), NotNull] public string State { get; set; } = "";
    [Column("attempts")] public int Attempts { get; set; }
    [Column("max_attempts")] public int MaxAttempts { get; set; }
    [Column("next_attempt_at")] public Instant? NextAttemptAt { get; set; }
    [Column("leased_until")] public Instant? LeasedUntil { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

[Table("webhook_windows")]
public sealed class WebhookWindowRow
{
    [Column("endpoint_id"), PrimaryKey(0)] public Guid EndpointId { get; set; }
    [Column("ticket_id"), PrimaryKey(1)] public Guid TicketId { get; set; }
    [Column("window_start")] public Instant WindowStart { get; set; }
}

[Table("webhook_notifications")]
public sealed class WebhookNotificationRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("delivery_id")] public Guid DeliveryId { get; set; }
    [Column("endpoint_id")] public Guid EndpointId { get; set; }
    [Column("ticket_id")] public Guid? TicketId { get; set; }
    [Column("contact_id")] public Guid? ContactId { get; set; }
    /// <summary>The delivery's event type, copied so the log filters on it without a join.</summary>
    [Column("event_type")] public string? EventType { get; set; }
    [Column("event_id"), NotNull] public string EventId { get; set; } = "";
    [Column("attempt")] public int Attempt { get; set; }
    [Column("status_code")] public int? StatusCode { get; set; }
    [Column("error")] public string? Error { get; set; }
    [Column("duration_ms")] public int DurationMs { get; set; }
    [Column("sent_at")] public Instant SentAt { get; set; }
    [Column("response_body")] public string? ResponseBody { get; set; }
}

public sealed partial class InboxDb
{
    public ITable<WebhookEndpointRow> WebhookEndpoints => this.GetTable<WebhookEndpointRow>();
    public ITable<WebhookDeliveryRow> WebhookDeliveries => this.GetTable<WebhookDeliveryRow>();
    public ITable<WebhookWindowRow> WebhookWindows => this.GetTable<WebhookWindowRow>();
    public ITable<WebhookNotificationRow> WebhookNotifications => this.GetTable<WebhookNotificationRow>();
}
