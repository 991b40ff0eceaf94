using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks.Receivers.Test;

/// <summary>
/// Sends a signed <c>webhook.test</c> event to one endpoint now, once, and answers how it went, so an admin can
/// check the receiver's URL and signature check. It posts even to a disabled endpoint (that is when one wants to
/// test it); a 410 answer disables it like any other post.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, WebhookSender sender, IOptions<WebhookOptions> options) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/webhooks/endpoints/{id}/test");
        Roles(InboxRoles.Admin);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var endpoint = await Data.FindAsync(db, User.Caller().AccountId, req.Id, ct);
        if (endpoint is null)
            ThrowError("No such webhook endpoint.", StatusCodes.Status404NotFound);

        var now = clock.NowForDatabase();
        var delivery = await Data.InsertAsync(db, endpoint, TestPayload.Serialize(endpoint.Id, now), now, now + Deliveries.LeaseFor(options.Value), ct);
        // A new delivery nobody else can hold: it always begins.
        var started = await Deliveries.BeginAsync(db, delivery, now, ct)
            ?? throw new InvalidOperationException($"The new test delivery {delivery.Id} was taken over before its first attempt.");
        var attempt = await sender.PostAsync(endpoint.Url, endpoint.Secret, delivery.EventId, delivery.Payload, ct);
        // Written even when the request was cut (the post may have reached the receiver), with a timeout of its own.
        await Deliveries.RecordOutcomeAsync(db, delivery, started, attempt, clock.NowForDatabase());
        if (ct.IsCancellationRequested) return;
        await Send.OkAsync(new Response(attempt.StatusCode, attempt.Error, attempt.DurationMs), ct);
    }
}
