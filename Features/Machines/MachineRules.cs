namespace Inbox.Features.Machines;

/// <summary>Field rules shared by adding and editing a machine, so both accept exactly the same input.</summary>
public static class MachineRules
{
    public const int MaxNameLength = 200;
    public const int MaxLocationLength = 200;
    public const int MaxSerialNumberLength = 100;

    public static IRuleBuilderOptions<T, string?> ValidName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(MaxNameLength);

    public static IRuleBuilderOptions<T, string?> ValidLocation<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(MaxLocationLength);

    public static IRuleBuilderOptions<T, string?> ValidSerialNumber<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(MaxSerialNumberLength);

    /// <summary>Optional text is trimmed, and blank is stored as none.</summary>
    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
