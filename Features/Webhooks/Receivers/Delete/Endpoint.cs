using Inbox.Infrastructure.Time;

namespace Inbox.Features.Webhooks.Endpoints.Delete;

public sealed class Request
{
    public Guid Id { get; set; }
}

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

/// <summary>Deletes an endpoint: nothing more is posted to it. Another account's id answers 404 like an unknown one.</summary>
public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api/webhooks/endpoints/{id}");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!await Data.DeleteAsync(db, User.Caller().AccountId, req.Id, clock.NowForDatabase(), ct))
        {
            await Problem.WriteAsync(HttpContext, StatusCodes.Status404NotFound, "No such webhook endpoint.");
            return;
        }
        await Send.NoContentAsync(ct);
    }
}
