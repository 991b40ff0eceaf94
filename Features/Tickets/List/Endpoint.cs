namespace Inbox.Features.Tickets.List;

/// <summary>The account's tickets, newest first, filtered by status, assignee, machine and overdue, one page at a time.</summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request, Page<TicketResponse>>
{
    public override void Configure()
    {
        Get("/api/tickets");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var now = clock.GetCurrentInstant();
        var filters = new Filters(req.Status, req.AssigneeId, req.MachineId, req.Overdue);
        // One row more than the page tells whether there is a next page.
        var rows = await Data.ListAsync(db, accountId, filters, now, KeysetCursor.DecodeInstant(req.Cursor), req.Take + 1, ct);
        var page = rows.Take(req.Take).ToList();
        var next = rows.Count > req.Take ? KeysetCursor.Encode(page[^1].CreatedAt, page[^1].Id) : null;
        await Send.OkAsync(new Page<TicketResponse>(page.Select(t => TicketResponse.From(t, now)).ToList(), next), ct);
    }
}
