using Npgsql;

namespace Inbox.Features.Operations.Ready;

public sealed record Response(string Status);

/// <summary>Readiness: the database answers and the schema is migrated; 503 with the reason otherwise.</summary>
public sealed class Endpoint(InboxDatabase database, DatabaseReadiness readiness, ILogger<Endpoint> logger) : EndpointWithoutRequest<Response>
{
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
            await Problem.WriteAsync(HttpContext, StatusCodes.Status503ServiceUnavailable, $"Not ready: {readiness.Reason}.");
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            await using var command = database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Readiness probe failed: {Reason}", e.GetBaseException().Message);
            await Problem.WriteAsync(HttpContext, StatusCodes.Status503ServiceUnavailable, "Not ready: the database did not answer.");
            return;
        }

        await Send.OkAsync(new Response("ready"), ct);
    }
}
