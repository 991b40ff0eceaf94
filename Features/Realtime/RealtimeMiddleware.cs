using System.Net.WebSockets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Realtime;

/// <summary>
/// <c>GET /ws</c>: checks the Origin and the access token (from <c>?access_token=</c>, since browsers cannot set
/// headers on an upgrade) and that the token's session is still live, then runs the connection until it ends.
/// Refusals are plain HTTP answers (401, 403) before the upgrade.
/// </summary>
public sealed class RealtimeMiddleware(
    RequestDelegate next,
    ConnectionRegistry registry,
    FrameHandler handler,
    AccessTokens tokens,
    IOptions<RealtimeOptions> options,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    IClock clock,
    ILogger<RealtimeMiddleware> logger)
{
    public const string Path = "/ws";

    // Made once, not per connection: each connection's loops hold them for its whole life.
    readonly Func<Connection, ReadOnlyMemory<byte>, Task> _onFrame = handler.HandleAsync;
    readonly Action<Connection> _onActivity = connection => connection.LastSeen = clock.GetCurrentInstant();

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.Equals(Path, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        if (!OriginAllowed(context))
        {
            await Problem.WriteAsync(context, StatusCodes.Status403Forbidden, "This origin may not open a socket.");
            return;
        }

        // ValidateAsync also refuses a token whose session ended (logout, revoked family, deactivated user) on any instance.
        var caller = await tokens.ValidateAsync(PresentedToken(context.Request), context.RequestAborted);
        if (caller?.UserId is null || caller.SessionId is null)
        {
            await Problem.WriteAsync(context, StatusCodes.Status401Unauthorized, "Open the socket with ?access_token=<a valid access token>.");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problem.WriteAsync(context, StatusCodes.Status400BadRequest, "This route only speaks WebSocket.");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket, caller, options.Value, clock.GetCurrentInstant(), logger);
        // The connection copied what it needs; this method's state lives as long as the socket, the Caller need not.
        caller = null;
        // hello is queued before the connection joins, so it is always the first frame (before its own presence).
        connection.Send(FrameBytes.Of(new HelloFrame(connection.Id, connection.UserId, options.Value.HeartbeatSeconds, clock.GetCurrentInstant())));
        registry.Join(connection);
        try
        {
            await connection.RunAsync(_onFrame, _onActivity, lifetime.ApplicationStopping);
        }
        finally
        {
            registry.Leave(connection);
        }
    }

    /// <summary>
    /// Browsers cannot set headers on an upgrade, so the query's token comes first; other clients may send the header.
    /// The query string is parsed here rather than through <c>Request.Query</c>, which would keep the parsed
    /// collection (and a copy of the token) in the request's features for the socket's whole life.
    /// </summary>
    static string PresentedToken(HttpRequest request)
    {
        if (QueryHelpers.ParseNullableQuery(request.QueryString.Value) is { } query && query.TryGetValue("access_token", out var token))
            return token.ToString();
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
    }

    bool OriginAllowed(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return true; // not a browser: nothing to protect against cross-site use
        var allowed = options.Value.AllowedOrigins;
        if (allowed.Length > 0) return allowed.Contains(origin, StringComparer.OrdinalIgnoreCase);
        if (environment.IsDevelopment()) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
               string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
