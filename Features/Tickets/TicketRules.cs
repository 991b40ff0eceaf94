using Inbox.Infrastructure.Time;

namespace Inbox.Features.Tickets;

/// <summary>Field rules shared by opening and editing a ticket, so both accept exactly the same input.</summary>
public static class TicketRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 10_000;

    /// <summary>Bounds for <c>scheduledAt</c>: any date a maintenance team could mean, and inside what PostgreSQL stores.</summary>
    public static readonly Instant MinScheduledAt = Instant.FromUtc(1970, 1, 1, 0, 0);
    public static readonly Instant MaxScheduledAt = Instant.FromUtc(9999, 12, 31, 0, 0);

    public static IRuleBuilderOptions<T, string?> ValidTitle<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(MaxTitleLength);

    public static IRuleBuilderOptions<T, string?> ValidDescription<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(MaxDescriptionLength);

    public static IRuleBuilderOptions<T, string?> ValidPriority<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(TicketPriority.IsKnown).WithMessage($"'{{PropertyName}}' must be one of: {string.Join(", ", TicketPriority.All)}.");

    public static IRuleBuilderOptions<T, Instant?> ValidScheduledAt<T>(this IRuleBuilder<T, Instant?> rule) =>
        rule.Must(at => at is null || (at >= MinScheduledAt && at <= MaxScheduledAt))
            .WithMessage("'{PropertyName}' must be between 1970 and 9999.");

    /// <summary>Blank descriptions are stored as none.</summary>
    public static string? NormalizeDescription(string? description) =>
        string.IsNullOrWhiteSpace(description) ? null : description;

    /// <summary>PostgreSQL keeps microseconds: cut there so the instant answered is the instant stored.</summary>
    public static Instant? ToDatabasePrecision(Instant? at) => at?.ToDatabasePrecision();
}
