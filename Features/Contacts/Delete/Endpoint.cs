namespace Inbox.Features.Contacts.Delete;

/// <summary>Deletes a contact (admins): its conversations keep their contact as it was, with id null; its history goes with it.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api/contacts/{id}");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!await Data.DeleteAsync(db, User.Caller().AccountId, req.Id, ct))
            ThrowError("No such contact.", StatusCodes.Status404NotFound);
        await Send.NoContentAsync(ct);
    }
}
