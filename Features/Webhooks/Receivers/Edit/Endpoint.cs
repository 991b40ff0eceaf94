using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks.Receivers.Edit;

/// <summary>
/// Changes an endpoint's URL (checked as on creation), its events, or whether it is enabled. Re-enabling an
/// endpoint a receiver disabled with 410 Gone clears that state; only events raised from then on are posted.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IHostEnvironment environment, IOptions<WebhookOptions> options)
    : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Patch("/api/webhooks/endpoints/{id}");
        Roles(InboxRoles.Admin);
        Description(b => b.ClearDefaultAccepts().Accepts<Request>("application/json"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var url = req.Url.IsSet ? req.Url.Value!.Trim() : null;
        if (url is not null && await WebhookUrl.ProblemAsync(url, environment.IsProduction(), options.Value.AllowPrivateNetworks, ct) is { } problem)
            ThrowError(r => r.Url, problem);

        var events = req.Events.IsSet ? req.Events.Value!.OfType<string>().Distinct().ToArray() : null;
        var row = await Data.UpdateAsync(db, User.Caller().AccountId, req.Id, url, events, req.Enabled.IsSet ? req.Enabled.Value : null, clock.NowForDatabase(), ct);
        if (row is null)
            ThrowError("No such webhook endpoint.", StatusCodes.Status404NotFound);
        await Send.OkAsync(new Response(row.Id, row.Url, row.Events, row.Enabled, row.CreatedAt), ct);
    }
}
