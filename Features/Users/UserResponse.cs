namespace Inbox.Features.Users;

/// <summary>
/// The contract's <c>user</c> shape, shared by every slice that answers with a user. <c>active</c> (v2) is false for a
/// user an admin deactivated.
/// </summary>
public sealed record UserResponse(Guid Id, Guid AccountId, string Name, string Email, string Role, bool Active, Instant CreatedAt)
{
    public static UserResponse From(UserRow row) => new(row.Id, row.AccountId, row.Name, row.Email, row.Role, row.Active, row.CreatedAt);
}

/// <summary>Field rules for users, shared by sign-up, user creation and editing so all accept exactly the same input.</summary>
public static class UserRules
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;

    public static IRuleBuilderOptions<T, string> ValidName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxNameLength).WithoutNul();

    // A JSON null reaches the rules after NotEmpty has failed (the chain goes on), so each rule tolerates it.
    public static IRuleBuilderOptions<T, string> ValidEmail<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxEmailLength).EmailAddress().WithoutNul()
            .Must(e => e is null || e.Trim() == e).WithMessage("'{PropertyName}' must not start or end with spaces.");

    /// <summary>PostgreSQL text cannot hold a NUL character: refused as a 400 here rather than failing the statement with a 500.</summary>
    public static IRuleBuilderOptions<T, string> WithoutNul<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(s => s is null || !s.Contains('\0')).WithMessage("'{PropertyName}' must not contain NUL characters.");

    public static IRuleBuilderOptions<T, string> ValidRole<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(r => r is InboxRoles.Admin or InboxRoles.Agent).WithMessage("'role' must be \"admin\" or \"agent\".");

    public static IRuleBuilderOptions<T, string> ValidPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Length(Passwords.MinLength, Passwords.MaxLength);

    /// <summary>The unique index is on lower(email): a duplicate insert surfaces as this constraint.</summary>
    public const string EmailUniqueIndex = "users_email_unique";
}
