namespace Inbox.Features.Webhooks.Receivers.Delete;

static class Data
{
    /// <summary>
    /// Marks the endpoint deleted (its delivery log keeps pointing at it), forgets its secret, and gives up what
    /// was still due for it, together. False when the account has no such live endpoint.
    /// </summary>
    public static async Task<bool> DeleteAsync(InboxDb db, Guid accountId, Guid id, Instant now, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        var deleted = await db.WebhookEndpoints
            .Where(e => e.Id == id && e.AccountId == accountId && e.DeletedAt == null)
            .Set(e => e.DeletedAt, now)
            .Set(e => e.Secret, "")
            .UpdateAsync(ct);
        if (deleted == 0) return false;
        await Deliveries.GiveUpPendingAsync(db, id, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
