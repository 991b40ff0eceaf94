namespace Inbox.Features.Operations.Health;

public sealed record Response(string Status);

/// <summary>Liveness: the process answers. Touches no dependency, so a database outage never restarts the service.</summary>
public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/health");
        AllowAnonymous();
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(new Response("alive"), ct);
}
