using System.Collections.Frozen;

namespace Inbox.Features.Tickets;

/// <summary>The status values as they appear on the wire and in the <c>tickets.status</c> column.</summary>
public static class TicketStatus
{
    public const string Received = "received";
    public const string Diagnostic = "diagnostic";
    public const string InProgress = "in_progress";
    public const string WaitingParts = "waiting_parts";
    public const string Completed = "completed";
    public const string Archived = "archived";

    /// <summary>In workflow order.</summary>
    public static readonly IReadOnlyList<string> All = [Received, Diagnostic, InProgress, WaitingParts, Completed, Archived];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value);
}

public static class TicketPriority
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";
    public const string Default = Medium;

    public static readonly IReadOnlyList<string> All = [Low, Medium, High, Critical];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value);
}

/// <summary>
/// The ticket workflow of the contract, and the only place that knows it:
/// <c>received → diagnostic → in_progress ⇄ waiting_parts → completed → archived</c>, and any state before
/// <c>completed</c> may go back to <c>received</c> or forward to <c>completed</c>. Staying in the same state
/// is not a transition (it would only add a meaningless history row), and <c>archived</c> is final.
/// </summary>
public static class Workflow
{
    static readonly FrozenDictionary<string, string[]> Next = new Dictionary<string, string[]>
    {
        [TicketStatus.Received] = [TicketStatus.Diagnostic, TicketStatus.Completed],
        [TicketStatus.Diagnostic] = [TicketStatus.Received, TicketStatus.InProgress, TicketStatus.Completed],
        [TicketStatus.InProgress] = [TicketStatus.Received, TicketStatus.WaitingParts, TicketStatus.Completed],
        [TicketStatus.WaitingParts] = [TicketStatus.Received, TicketStatus.InProgress, TicketStatus.Completed],
        [TicketStatus.Completed] = [TicketStatus.Archived],
        [TicketStatus.Archived] = [],
    }.ToFrozenDictionary();

    /// <summary>The status every new ticket starts in.</summary>
    public const string Initial = TicketStatus.Received;

    /// <summary>
    /// The statuses in which a past <c>scheduledAt</c> makes a ticket overdue. The partial indexes
    /// <c>tickets_overdue</c> (migration 0003) and <c>tickets_overdue_assigned</c> (0005, with the overdue sweep's
    /// SQL in Tickets/Overdue/Data.cs) spell the same list; change them together.
    /// </summary>
    public static readonly IReadOnlyList<string> OverdueStatuses = [TicketStatus.Received, TicketStatus.Diagnostic];

    public static IReadOnlyList<string> AllowedFrom(string status) => Next.TryGetValue(status, out var next) ? next : [];

    public static bool Allows(string from, string to) => AllowedFrom(from).Contains(to);

    /// <summary>The 409 detail of a refused transition: it names the states the ticket may move to instead.</summary>
    public static string RefusalDetail(string from, string to)
    {
        var allowed = AllowedFrom(from);
        return allowed.Count == 0
            ? $"A ticket cannot move from '{from}' to '{to}': '{from}' is final."
            : $"A ticket cannot move from '{from}' to '{to}'. Allowed next states: {string.Join(", ", allowed)}.";
    }

    /// <summary>The contract's <c>overdue</c>: <c>scheduledAt</c> is past and the status is received or diagnostic.</summary>
    public static bool IsOverdue(string status, Instant? scheduledAt, Instant now) =>
        scheduledAt is { } at && at < now && OverdueStatuses.Contains(status);
}
