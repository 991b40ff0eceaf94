using LinqToDB.Mapping;

namespace Inbox.Infrastructure.Database;

[Table("accounts")]
public sealed class AccountRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    /// <summary>ISO 3166 alpha-2 region used to read phone numbers written without a country code; null reads only international ones.</summary>
    [Column("default_phone_region")] public string? DefaultPhoneRegion { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

[Table("users")]
public sealed class UserRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("email"), NotNull] public string Email { get; set; } = "";
    [Column("password_hash"), NotNull] public string PasswordHash { get; set; } = "";
    [Column("role"), NotNull] public string Role { get; set; } = "";
    /// <summary>False once an admin deactivated the user: no sign-in, no refresh, every session revoked.</summary>
    [Column("active")] public bool Active { get; set; } = true;
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

[Table("sessions")]
public sealed class SessionRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("user_id")] public Guid UserId { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("revoked_at")] public Instant? RevokedAt { get; set; }
}

[Table("refresh_tokens")]
public sealed class RefreshTokenRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("session_id")] public Guid SessionId { get; set; }
    [Column("token_hash"), NotNull] public byte[] TokenHash { get; set; } = [];
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("expires_at")] public Instant ExpiresAt { get; set; }
    [Column("spent_at")] public Instant? SpentAt { get; set; }
}

[Table("api_keys")]
public sealed class ApiKeyRow
{
    [Column("id"), PrimaryKey] public Guid Id { get; set; }
    [Column("account_id")] public Guid AccountId { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("prefix"), NotNull] public string Prefix { get; set; } = "";
    [Column("key_hash"), NotNull] public byte[] KeyHash { get; set; } = [];
    [Column("created_at")] public Instant CreatedAt { get; set; }
    [Column("revoked_at")] public Instant? RevokedAt { get; set; }
}

[Table("idempotency_records")]
public sealed class IdempotencyRecordRow
{
    [Column("account_id"), PrimaryKey(0)] public Guid AccountId { get; set; }
    [Column("key"), PrimaryKey(1)] public string Key { get; set; } = "";
    [Column("request_hash"), NotNull] public byte[] RequestHash { get; set; } = [];
    [Column("status_code")] public int? StatusCode { get; set; }
    [Column("content_type")] public string? ContentType { get; set; }
    [Column("response_body")] public byte[]? ResponseBody { get; set; }
    [Column("created_at")] public Instant CreatedAt { get; set; }
}

public sealed partial class InboxDb
{
    public ITable<AccountRow> Accounts => this.GetTable<AccountRow>();
    public ITable<UserRow> Users => this.GetTable<UserRow>();
    public ITable<SessionRow> Sessions => this.GetTable<SessionRow>();
    public ITable<RefreshTokenRow> RefreshTokens => this.GetTable<RefreshTokenRow>();
    public ITable<ApiKeyRow> ApiKeys => this.GetTable<ApiKeyRow>();
    public ITable<IdempotencyRecordRow> IdempotencyRecords => this.GetTable<IdempotencyRecordRow>();
}
