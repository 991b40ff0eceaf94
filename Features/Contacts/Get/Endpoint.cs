using Inbox.Features.Shapes;

namespace Inbox.Features.Contacts.Get;

/// <summary>One contact of the caller's account; another account's id answers 404 like an unknown one.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, ContactDetails>
{
    public override void Configure()
    {
        Get("/api/contacts/{id}");
        Roles(InboxRoles.UsersAndIntegrations);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var contact = await Data.FindAsync(db, User.Caller().AccountId, req.Id, ct);
        if (contact is null)
            ThrowError("No such contact.", StatusCodes.Status404NotFound);
        await Send.OkAsync(ContactDetails.From(contact), ct);
    }
}
