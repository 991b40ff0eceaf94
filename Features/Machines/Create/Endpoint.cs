using Inbox.Infrastructure.Time;

namespace Inbox.Features.Machines.Create;

public sealed class Request
{
    public const int MaxNameLength = 200;
    public const int MaxLocationLength = 200;
    public const int MaxSerialNumberLength = 100;

    public string? Name { get; set; }
    public string? Location { get; set; }
    public string? SerialNumber { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(MaxNameLength);
            RuleFor(x => x.Location).MaximumLength(MaxLocationLength);
            RuleFor(x => x.SerialNumber).MaximumLength(MaxSerialNumberLength);
        }
    }
}

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
            Location = Blank(req.Location),
            SerialNumber = Blank(req.SerialNumber),
            CreatedAt = clock.NowForDatabase(),
        };
        await db.InsertAsync(row, token: ct);
        await Send.ResponseAsync(MachineResponse.From(row), StatusCodes.Status201Created, ct);
    }

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
