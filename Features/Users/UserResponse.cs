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
        rule.NotEmpty().MaximumLength(MaxNameLength);

    public static IRuleBuilderOptions<T, string> ValidEmail<T>(this IRuleBuilder<T, string> rule) =>
        // JSON may bind null into the non-nullable string: NotEmpty answers it, and the rules after it (which run
        // anyway) must not dereference it. NUL characters never get here: the JSON reader refuses them (TextJson).
        rule.NotEmpty().MaximumLength(MaxEmailLength).EmailAddress().Must(e => e is null || e.Trim() == e).WithMessage("'{PropertyName}' must not start or end with spaces.");

    public static IRuleBuilderOptions<T, string> ValidRole<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(r => r is InboxRoles.Admin or InboxRoles.Agent).WithMessage("'role' must be \"admin\" or \"agent\".");

    public static IRuleBuilderOptions<T, string> ValidPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Length(Passwords.MinLength, Passwords.MaxLength);

    /// <summary>The unique index is on lower(email): a duplicate insert surfaces as this constraint.</summary>
    public const string EmailUniqueIndex = "users_email_unique";
}
