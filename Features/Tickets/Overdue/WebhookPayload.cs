using System.Text.Json;
using Inbox.Features.Users;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Tickets.Overdue;

/// <summary>
/// The body of a <c>ticket.overdue</c> event, in the Standard Webhooks envelope:
/// <c>{"type":"ticket.overdue","timestamp","data":{ticket, assignee, overdueBySeconds}}</c>, where
/// <c>ticket</c> and <c>assignee</c> are the contract's <c>ticket</c> and <c>user</c> shapes as they were when
/// the event was made. It is serialised once and stored, so retries and replays post the same bytes.
/// </summary>
public sealed record WebhookPayload(string Type, Instant Timestamp, OverdueData Data)
{
    static readonly JsonSerializerOptions Json = JsonSetup.Wire;

    public static string Serialize(TicketRow ticket, UserRow assignee, Instant now)
    {
        var overdueBy = now - (ticket.ScheduledAt ?? now);
        var payload = new WebhookPayload(WebhookEvents.TicketOverdue, now,
            new OverdueData(TicketResponse.From(ticket, now), UserResponse.From(assignee), (long)overdueBy.TotalSeconds));
        return JsonSerializer.Serialize(payload, Json);
    }
}

public sealed record OverdueData(TicketResponse Ticket, UserResponse Assignee, long OverdueBySeconds);
