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
        var machines = await Data.ListAsync(db, User.Caller().AccountId, ct);
        await Send.OkAsync(machines.Select(MachineResponse.From).ToList(), ct);
    }
}
