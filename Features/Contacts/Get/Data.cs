namespace Inbox.Features.Contacts.Get;

static class Data
{
    public static Task<ContactRow?> FindAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        ContactStore.FindAsync(db, accountId, id, ct);
}
