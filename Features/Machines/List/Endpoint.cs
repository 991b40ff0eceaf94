namespace Inbox.Features.Machines.List;

/// <summary>Every machine of the caller's account, oldest first (a workshop has tens of machines, not thousands).</summary>
public sealed class Endpoint(InboxDb db) : EndpointWithoutRequest<IReadOnlyList<MachineResponse>>
{
    public override void Configure()
    {
        Get("/api/machines");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var machines = await db.Machines.Where(m => m.AccountId == accountId).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        await Send.OkAsync(machines.Select(MachineResponse.From).ToList(), ct);
    }
}
