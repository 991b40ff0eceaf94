using System.Text.Json;
using FluentValidation.Results;
using Microsoft.Extensions.Primitives;

namespace Inbox.Infrastructure.Http;

/// <summary>
/// Error messages for input that cannot even be bound: a query or route value of the wrong kind, JSON that does
/// not parse or has a wrong type somewhere. They name the field and say what was expected, in the words of the
/// contract, not .NET type names or parser positions.
/// </summary>
public static class BindingErrors
{
    public static string QueryValueMessage(Type type, string name, StringValues value) =>
        $"'{Truncate(value.ToString())}' is not {Expected(Nullable.GetUnderlyingType(type) ?? type)}.";

    public static ValidationFailure FromJsonException(JsonException error)
    {
        // STJ names the place as a JSON path ($.contact.email); the root means the body as a whole.
        var path = error.Path is null or "$" ? null : error.Path.TrimStart('$', '.');
        return path is null
            ? new ValidationFailure("body", "The body is not valid JSON, or not the JSON object this route expects.")
            : new ValidationFailure(path, "This value has the wrong type, or the JSON around it is malformed.");
    }

    static string Expected(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(Guid) => "a uuid",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(Instant) => "an ISO-8601 instant",
        _ when type.IsEnum => "one of the allowed values",
        _ => "a valid value",
    };

    static string Truncate(string value) => value.Length > 40 ? value[..40] + "…" : value;
}

/// <summary>
/// A request without a Content-Type to a route that takes a JSON body: with no body it is treated as an empty JSON
/// body (so the answer is the route's own 400 naming what is missing); with a body it is refused with a 415
/// problem. Left to the framework, both would get a bare 415 with no problem body. Routes that take no body
/// (FastEndpoints marks them as accepting */*) are left alone.
/// </summary>
public static class ContentTypeCheck
{
    public static Task RequireJsonAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!string.IsNullOrEmpty(request.ContentType) ||
            context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is not { } accepts ||
            !accepts.ContentTypes.Contains("application/json"))
            return next(context);

        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
            return Problem.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON with Content-Type: application/json.");

        request.ContentType = "application/json";
        return next(context);
    }
}
