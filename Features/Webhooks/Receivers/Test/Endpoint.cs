using System.Text.Json;
using Inbox.Infrastructure.Json;
using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks.Endpoints.Test;

public sealed class Request
{
    public Guid Id { get; set; }
}

/// <summary>The result of the one attempt: <c>statusCode</c> null when no answer came (timeout, refused, connection error).</summary>
public sealed record Response(int? StatusCode, string? Error, int DurationMs);

/// <summary>The body of a <c>webhook.test</c> event.</summary>
public sealed record TestPayload(string Type, Instant Timestamp, TestData Data)
{
    static readonly JsonSerializerOptions Json = CreateOptions();

    public static string Serialize(Guid endpointId, Instant now) =>
        JsonSerializer.Serialize(new TestPayload(WebhookEvents.Test, now, new TestData(endpointId)), Json);

    static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        JsonSetup.Configure(options);
        return options;
    }
}

public sealed record TestData(Guid EndpointId);

static class Data
{
    public static Task<WebhookEndpointRow?> FindAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id && e.AccountId == accountId && e.DeletedAt == null, ct);

    /// <summary>
    /// The test event is a delivery of one attempt like any other, so it is logged and can be replayed. This
    /// request posts it under a lease, so the sweep leaves it alone; it becomes the sweep's only if the lease runs
    /// out with the delivery still pending, that is when the process died while posting it (at least once, as for
    /// every event).
    /// </summary>
    public static async Task<WebhookDeliveryRow> InsertAsync(InboxDb db, WebhookEndpointRow endpoint, string payload, Instant now, Instant leaseUntil, CancellationToken ct)
    {
        var delivery = new WebhookDeliveryRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = endpoint.AccountId,
            EndpointId = endpoint.Id,
            TicketId = null,
            EventId = WebhookEvents.NewEventId(),
            Type = WebhookEvents.Test,
            Payload = payload,
            State = DeliveryState.Pending,
            Attempts = 0,
            MaxAttempts = 1,
            NextAttemptAt = now,
            LeasedUntil = leaseUntil,
            CreatedAt = now,
        };
        await db.InsertAsync(delivery, token: ct);
        return delivery;
    }
}

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
        {
            await Problem.WriteAsync(HttpContext, StatusCodes.Status404NotFound, "No such webhook endpoint.");
            return;
        }

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
