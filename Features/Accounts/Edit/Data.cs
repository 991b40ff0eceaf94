namespace Inbox.Features.Accounts.Edit;

static class Data
{
    /// <summary>Applies the set fields to the account and returns it as it now is.</summary>
    public static async Task<AccountRow> UpdateAsync(InboxDb db, Guid accountId, Request req, CancellationToken ct)
    {
        var update = db.Accounts.Where(a => a.Id == accountId).AsUpdatable();
        if (req.Name.IsSet) update = update.Set(a => a.Name, req.Name.Value!);
        if (req.DefaultPhoneRegion.IsSet) update = update.Set(a => a.DefaultPhoneRegion, req.DefaultPhoneRegion.Value);
        if (req.Name.IsSet || req.DefaultPhoneRegion.IsSet) await update.UpdateAsync(ct);
        return await db.Accounts.FirstAsync(a => a.Id == accountId, ct);
    }
}
