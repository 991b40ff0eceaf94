using Inbox.Features.Shapes;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Contacts.List;

/// <summary>The account's contacts, latest interaction first, filtered by q, lead status, owner and source.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Page<ContactDetails>>
{
    public override void Configure()
    {
        Get("/api/contacts");
        Roles(InboxRoles.UsersAndIntegrations);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // One row more than the page tells whether there is a next page.
        var rows = await Data.PageAsync(db, User.Caller().AccountId, req, KeysetCursor.DecodeInstant(req.Cursor), req.Take + 1, ct);
        var page = rows.Take(req.Take).ToList();
        var next = rows.Count > req.Take ? KeysetCursor.Encode(page[^1].LastInteractionAt ?? InstantJsonConverter.MinValue, page[^1].Id) : null;
        await Send.OkAsync(new Page<ContactDetails>(page.Select(ContactDetails.From).ToList(), next), ct);
    }
}
