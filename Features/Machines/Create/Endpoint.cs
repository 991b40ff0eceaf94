using Inbox.Infrastructure.Time;

namespace Inbox.Features.Machines.Create;

/// <summary>Registers a machine of the caller's account that tickets can then name.</summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request, MachineResponse>
{
    public override void Configure()
    {
        Post("/api/machines");
        Roles(InboxRoles.Users);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var row = new MachineRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = User.Caller().AccountId,
            Name = req.Name!.Trim(),
            Location = MachineRules.Blank(req.Location),
            SerialNumber = MachineRules.Blank(req.SerialNumber),
            CreatedAt = clock.NowForDatabase(),
        };
        await Data.InsertAsync(db, row, ct);
        await Send.ResponseAsync(MachineResponse.From(row), StatusCodes.Status201Created, ct);
    }
}
