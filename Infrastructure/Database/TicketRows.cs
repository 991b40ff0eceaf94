using LinqToDB.Mapping;

namespace Inbox.Infrastructure.Database;

[Table("machines")]
public sealed class MachineRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("location")] public string? Location { get; set; }
    [Column("serial_number")] public string? SerialNumber { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

[Table("tickets")]
public sealed class TicketRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("title"), NotNull] public string Title { get; set; } = "";
    [Column("description")] public string? Description { get; set; }
    [Column("status"), NotNull] public string Status { get; set; } = "";
    [Column("priority"), NotNull] public string Priority { get; set; } = "";
    [Column("machine_id")] public Guid? MachineId { get; set; }
    [Column("assignee_id")] public Guid? AssigneeId { get; set; }
    [Column("scheduled_at")] public Instant? ScheduledAt { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("updated_at")] public Instant UpdatedAt { get; set; }
}

[Table("ticket_history")]
public sealed class TicketHistoryRow
{
    /// <summary>Assigned by the database (identity); it orders a ticket's history.</summary>
    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("ticket_id")] public Guid TicketId { get; set; }
    [Column("from_status")] public string? FromStatus { get; set; }
    [Column("to_status"), NotNull] public string ToStatus { get; set; } = "";
    [Column("note")] public string? Note { get; set; }
    [Column("by_user_id")] public Guid? ByUserId { get; set; }
    [Column("at")] public Instant At { get; set; }
}

public sealed partial class InboxDb
{
    public ITable<MachineRow> Machines => this.GetTable<MachineRow>();
    public ITable<TicketRow> Tickets => this.GetTable<TicketRow>();
    public ITable<TicketHistoryRow> TicketHistory => this.GetTable<TicketHistoryRow>();
}
