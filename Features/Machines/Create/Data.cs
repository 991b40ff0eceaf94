namespace Inbox.Features.Machines.Create;

static class Data
{
    public static Task InsertAsync(InboxDb db, MachineRow machine, CancellationToken ct) =>
        db.InsertAsync(machine, token: ct);
}
