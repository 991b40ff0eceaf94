namespace Inbox.Features.Accounts.Edit;

/// <summary>An admin renames the account or sets the region used to read local phone numbers of its contacts.</summary>
public sealed class Endpoint(InboxDb db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Patch("/api/account");
        Roles(InboxRoles.Admin);
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var account = await Data.UpdateAsync(db, User.Caller().AccountId, req, ct);
        await Send.OkAsync(new Response(account.Id, account.Name, account.DefaultPhoneRegion, account.CreatedAt), ct);
    }
}
