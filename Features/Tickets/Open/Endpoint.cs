using Inbox.Features.Events;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Tickets.Open;

/// <summary>
/// Opens a ticket in <c>received</c>. Users and integrations (an API key opening a work order) may; the machine
/// and the assignee, when given, must be of the caller's account. The creation is the first history row.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, TicketResponse>
{
    public override void Configure()
    {
        Post("/api/tickets");
        Roles(InboxRoles.UsersAndIntegrations);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = User.Caller();
        if (req.MachineId is { } machineId && !await Data.MachineExistsAsync(db, caller.AccountId, machineId, ct))
            AddError(r => r.MachineId, "No such machine in this account.");
        if (req.AssigneeId is { } assigneeId && !await Data.UserExistsAsync(db, caller.AccountId, assigneeId, ct))
            AddError(r => r.AssigneeId, "No such user in this account.");
        ThrowIfAnyErrors();

        var now = clock.NowForDatabase();
        var ticket = new TicketRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = caller.AccountId,
            Title = req.Title!.Trim(),
            Description = TicketRules.NormalizeDescription(req.Description),
            Status = Workflow.Initial,
            Priority = req.Priority ?? TicketPriority.Default,
            MachineId = req.MachineId,
            AssigneeId = req.AssigneeId,
            ScheduledAt = TicketRules.ToDatabasePrecision(req.ScheduledAt),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await Data.InsertAsync(db, ticket, caller.UserId, ct);
        var answer = TicketResponse.From(ticket, clock.GetCurrentInstant());
        // Under an Idempotency-Key the ticket commits with the stored answer, after this handler: tell nobody before.
        db.AfterCommit(() => events.Publish(new TicketUpdated(caller.AccountId, answer)));
        await Send.ResponseAsync(answer, StatusCodes.Status201Created, ct);
    }
}
