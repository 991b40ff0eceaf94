using LinqToDB;
using LinqToDB.Mapping;

namespace Inbox.Infrastructure.Database;

[Table("contacts")]
public sealed class ContactRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("name")] public string? Name { get; set; }
    [Column("email")] public string? Email { get; set; }
    [Column("phone")] public string? Phone { get; set; }
    [Column("external_id")] public string? ExternalId { get; set; }
    [Column("company")] public string? Company { get; set; }
    [Column("notes")] public string? Notes { get; set; }
    /// <summary>The custom fields as a JSON object of strings.</summary>
    [Column("fields", DataType = DataType.BinaryJson), NotNull] public string Fields { get; set; } = "{}";
    [Column("lead_code")] public string? LeadCode { get; set; }
    [Column("lead_status"), NotNull] public string LeadStatus { get; set; } = "new";
    [Column("source")] public string? Source { get; set; }
    [Column("score")] public int? Score { get; set; }
    [Column("owner_id")] public Guid? OwnerId { get; set; }
    [Column("last_interaction_at")] public Instant? LastInteractionAt { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("updated_at")] public Instant UpdatedAt { get; set; }
}

[Table("contact_lead_history")]
public sealed class ContactLeadHistoryRow
{
    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("contact_id")] public Guid ContactId { get; set; }
    [Column("from_status")] public string? FromStatus { get; set; }
    [Column("to_status"), NotNull] public string ToStatus { get; set; } = "";
    [Column("note")] public string? Note { get; set; }
    [Column("by_user_id")] public Guid? ByUserId { get; set; }
    [Column("at")] public Instant At { get; set; }
}

public sealed partial class InboxDb
{
    public ITable<ContactRow> Contacts => this.GetTable<ContactRow>();
    public ITable<ContactLeadHistoryRow> ContactLeadHistory => this.GetTable<ContactLeadHistoryRow>();
}
