using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks.Receivers.Create;

/// <summary>
/// Adds an endpoint to the caller's account. The URL must be https in Production and must not point at a
/// loopback, private, link-local or metadata address unless <c>Webhooks:AllowPrivateNetworks</c> is set.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IHostEnvironment environment, IOptions<WebhookOptions> options) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/webhooks/endpoints");
        Roles(InboxRoles.Admin);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var url = req.Url!.Trim();
        if (await WebhookUrl.ProblemAsync(url, environment.IsProduction(), options.Value.AllowPrivateNetworks, ct) is { } problem)
            ThrowError(r => r.Url, problem);

        var row = new WebhookEndpointRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = User.Caller().AccountId,
            Url = url,
            Events = req.Events!.Distinct().ToArray()!,
            Secret = WebhookEvents.NewSecret(),
            Enabled = true,
            CreatedAt = clock.NowForDatabase(),
        };
        await Data.InsertAsync(db, row, ct);
        await Send.ResponseAsync(new Response(row.Id, row.Url, row.Events, row.Secret, row.CreatedAt), StatusCodes.Status201Created, ct);
    }
}
