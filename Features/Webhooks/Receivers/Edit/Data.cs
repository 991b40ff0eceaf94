namespace Inbox.Features.Webhooks.Receivers.Edit;

static class Data
{
    /// <summary>
    /// Applies the change to a live endpoint of the account and returns it; null when there is none. Disabling gives
    /// up what was still due for it (as a 410 does); enabling clears disabled_at, the 410 state.
    /// </summary>
    public static async Task<WebhookEndpointRow?> UpdateAsync(InboxDb db, Guid accountId, Guid id, string? url, string[]? events, bool? enabled, Instant now, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        var row = await db.WebhookEndpoints
            .Where(e => e.Id == id && e.AccountId == accountId && e.DeletedAt == null)
            .QueryHint("FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (row is null) return null;

        if (url is not null) row.Url = url;
        if (events is not null) row.Events = events;
        if (enabled is { } on && on != row.Enabled)
        {
            row.Enabled = on;
            row.DisabledAt = on ? null : now;
            if (!on) await Deliveries.GiveUpPendingAsync(db, id, now, ct);
        }
        else if (enabled == true)
            row.DisabledAt = null;
        await db.UpdateAsync(row, token: ct);
        await tx.CommitAsync(ct);
        return row;
    }
}
