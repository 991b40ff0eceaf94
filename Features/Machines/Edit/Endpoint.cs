namespace Inbox.Features.Machines.Edit;

/// <summary>Renames a machine or changes where it stands or its serial number (users only).</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, MachineResponse>
{
    public override void Configure()
    {
        Patch("/api/machines/{id}");
        Roles(InboxRoles.Users);
        // Every field of Request carries a binding attribute, which FastEndpoints reads as "no JSON body here" and
        // then accepts any content type: this route takes JSON only, as its POST does (a text/plain body is a 415).
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        var machine = req.ChangesNothing
            ? await Data.FindAsync(db, accountId, req.Id, ct)
            : await Data.UpdateAsync(db, accountId, req, ct);
        if (machine is null)
            ThrowError("No such machine.", StatusCodes.Status404NotFound);
        await Send.OkAsync(MachineResponse.From(machine), ct);
    }
}
