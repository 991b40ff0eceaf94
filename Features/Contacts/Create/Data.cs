namespace Inbox.Features.Contacts.Create;

static class Data
{
    public static Task<string?> PhoneRegionAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        ContactStore.PhoneRegionAsync(db, accountId, ct);
}
