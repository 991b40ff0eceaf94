using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;

namespace Inbox.Infrastructure.Http;

public static class ErrorHandling
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// Every error a client can see leaves as problem details: exceptions (never with a stack trace), empty
    /// error responses written by the framework (401/403 from authentication, 404 for unknown routes, 405),
    /// and bodies over the 1 MiB limit.
    /// </summary>
    public static WebApplication UseInboxErrorHandling(this WebApplication app)
    {
        // The handler logs what it handles itself (one warning line for an expected 503, one error with its stack
        // for a real 500); the framework's own Error line with a stack trace for each would drown an outage's log.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteExceptionAsync, SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages(context =>
        {
            var response = context.HttpContext.Response;
            return response.HasStarted || response.ContentLength > 0
                ? Task.CompletedTask
                : Problem.WriteAsync(context.HttpContext, response.StatusCode, DefaultDetail(response.StatusCode));
        });
        app.Use(RejectOversizedBodies);
        app.Use(ContentTypeCheck.RequireJsonAsync);
        return app;
    }

    /// <summary>
    /// Refuses a body announced as over the limit before reading it, and caps bodies sent without a length
    /// (Kestrel's own limit is set too; this also covers hosts without it).
    /// </summary>
    static Task RejectOversizedBodies(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength > MaxRequestBodyBytes)
            return Problem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {MaxRequestBodyBytes} bytes.");

        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false }) limit.MaxRequestBodySize = MaxRequestBodyBytes;
        return next(context);
    }

    static string? DefaultDetail(int status) => status switch
    {
        401 => "Missing or invalid credentials: send a bearer access token or an X-Api-Key.",
        403 => "Your role does not allow this.",
        404 => "There is nothing at this address.",
        405 => "This route does not take that method.",
        _ => null,
    };

    static Task WriteExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, detail) = error switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, $"The request body is larger than {MaxRequestBodyBytes} bytes."),
            BadHttpRequestException bad => (bad.StatusCode, "The request could not be read."),
            JsonException => (400, "The request body is not valid JSON."),
            // Last line of defence behind the input checks (Infrastructure/Json TextRules, the instant range): text
            // PostgreSQL cannot hold (a NUL) or a date outside its range can only have come from the request.
            PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.DatetimeFieldOverflow } =>
                (400, "A value in the request cannot be stored: text with a NUL character, or a date out of range."),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, null),
            not null when DatabaseOutage.IsUnreachable(error) => (503, "The database is not reachable right now; try again shortly."),
            _ => (500, "An unexpected error occurred. It has been logged."),
        };
        if (status == 499)
            return Task.CompletedTask;

        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Inbox.Errors");
        if (status == 503)
        {
            // Expected while the database is away: one line, no stack; the outage itself is logged once when it
            // starts and once when it ends.
            log.LogWarning("503 on {Method} {Path}: the database is unreachable ({Reason})", context.Request.Method, context.Request.Path, error!.GetBaseException().Message);
            context.RequestServices.GetRequiredService<DatabaseOutage>().Report(error);
            context.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= 500)
        {
            log.LogError(error, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        return Problem.WriteAsync(context, status, detail);
    }
}
