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
            NotReady($"Not ready: {readiness.Reason}.");

        if (!await DatabaseOutage.AnswersAsync(database, ProbeTimeout))
        {
            logger.LogWarning("Readiness probe failed: the database did not answer within {Seconds} s", ProbeTimeout.TotalSeconds);
            NotReady("Not ready: the database did not answer.");
        }

        await Send.OkAsync(new Response("ready"), ct);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void NotReady(string detail)
    {
        HttpContext.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ThrowError(detail, StatusCodes.Status503ServiceUnavailable);
    }
}
