namespace Inbox.Features.Tickets;

/// <summary>
/// The contract's <c>ticket</c> shape, shared by every slice that answers with a ticket. <c>nextStatuses</c> comes
/// from <see cref="Workflow"/>, the one definition of the workflow, so the page's buttons and the 409 of
/// <c>POST …/status</c> can never disagree.
/// </summary>
public sealed record TicketResponse(
    Guid Id,
    string Title,
    string? Description,
    string Status,
    string Priority,
    Guid? MachineId,
    Guid? AssigneeId,
    Instant? ScheduledAt,
    bool Overdue,
    IReadOnlyList<string> NextStatuses,
    Instant CreatedAt,
    Instant UpdatedAt)
{
    /// <summary><paramref name="now"/> decides <c>overdue</c>, which is computed, never stored.</summary>
    public static TicketResponse From(TicketRow row, Instant now) => new(
        row.Id, row.Title, row.Description, row.Status, row.Priority, row.MachineId, row.AssigneeId, row.ScheduledAt,
        Workflow.IsOverdue(row.Status, row.ScheduledAt, now), Workflow.AllowedFrom(row.Status), row.CreatedAt, row.UpdatedAt);
}
