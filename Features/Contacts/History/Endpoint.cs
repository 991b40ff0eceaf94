namespace Inbox.Features.Contacts.History;

/// <summary>A contact's lead status changes, oldest first: its creation, every move, imports and merges.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, IReadOnlyList<Response>>
{
    public override void Configure()
    {
        Get("/api/contacts/{id}/history");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var accountId = User.Caller().AccountId;
        if (!await Data.ExistsAsync(db, accountId, req.Id, ct))
            ThrowError("No such contact.", StatusCodes.Status404NotFound);
        var rows = await Data.ListAsync(db, accountId, req.Id, ct);
        await Send.OkAsync(rows.Select(h => new Response(h.FromStatus, h.ToStatus, h.Note, h.ByUserId, h.At)).ToList(), ct);
    }
}
