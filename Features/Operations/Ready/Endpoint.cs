namespace Inbox.Features.Operations.Ready;

public sealed record Response(string Status);

/// <summary>Readiness: the database answers and the schema is migrated; 503 with the reason otherwise.</summary>
public sealed class Endpoint(InboxDatabase database, DatabaseReadiness readiness, ILogger<Endpoint> logger) : EndpointWithoutRequest<Response>
{
    // Load balancers give up on a probe after a few seconds; this answers within about 2 s whatever the database does.
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public override void Configure()
    {
        Get("/ready");
        AllowAnonymous();
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (!readiness.Migrated)
        {
            await NotReadyAsync($"Not ready: {readiness.Reason}.");
            return;
        }

        if (!await DatabaseOutage.AnswersAsync(database, ProbeTimeout))
        {
            logger.LogWarning("Readiness probe failed: the database did not answer within {Seconds} s", ProbeTimeout.TotalSeconds);
            await NotReadyAsync("Not ready: the database did not answer.");
            return;
        }

        await Send.OkAsync(new Response("ready"), ct);
    }

    Task NotReadyAsync(string detail)
    {
        HttpContext.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem.WriteAsync(HttpContext, StatusCodes.Status503ServiceUnavailable, detail);
    }
}
