namespace Inbox.Features.Machines;

/// <summary>The <c>machine</c> shape of the contract's Tickets section.</summary>
public sealed record MachineResponse(Guid Id, string Name, string? Location, string? SerialNumber, Instant CreatedAt)
{
    public static MachineResponse From(MachineRow row) => new(row.Id, row.Name, row.Location, row.SerialNumber, row.CreatedAt);
}
