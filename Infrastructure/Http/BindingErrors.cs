using System.Text;
using System.Text.Json;
using FluentValidation.Results;
using Inbox.Infrastructure.Json;
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
        // Our own converters (strings, instants) say precisely what is wrong; the serializer's messages do not
        // read well to a client, so those get the general sentence.
        var message = error is JsonValueException ? error.Message : null;
        return path is null
            ? new ValidationFailure("body", message ?? "The body is not valid JSON, or not the JSON object this route expects.")
            : new ValidationFailure(path, message ?? "This value has the wrong type, or the JSON around it is malformed.");
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

/// <summary>
/// The query string and route values hold text by the same rules as JSON strings (<see cref="TextRules"/>): a NUL
/// (<c>%00</c>) or bytes that are not UTF-8 (<c>%ED%A0%80</c>, an encoded lone surrogate; <c>%C0%80</c>, an
/// overlong NUL) are refused with a 400 naming the parameter, on every route, before anything binds them.
/// ASP.NET Core would otherwise hand the NUL on (to fail in PostgreSQL as a 500) and quietly turn invalid UTF-8
/// into U+FFFD, which would search for, or store, something the client never sent.
/// </summary>
public static class InputTextCheck
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Task RefuseInvalidTextAsync(HttpContext context, RequestDelegate next)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, problem) in QueryProblems(context.Request.QueryString.Value))
            errors.TryAdd(name, [problem]);
        foreach (var (name, value) in context.Request.RouteValues)
            if (value is string text && TextRules.Problem(text) is { } problem)
                errors.TryAdd(name, [problem]);

        return errors.Count == 0
            ? next(context)
            : Problem.WriteAsync(context, StatusCodes.Status400BadRequest, "One or more fields are invalid.", errors);
    }

    /// <summary>Reads the raw query string itself: the parsed one has already replaced invalid UTF-8.</summary>
    static IEnumerable<(string Name, string Problem)> QueryProblems(string? query)
    {
        if (string.IsNullOrEmpty(query)) yield break;
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var name = Decode(rawName, out var nameProblem);
            var safeName = nameProblem is null && name.Length > 0 ? name : "query";
            if (nameProblem is not null)
            {
                yield return (safeName, nameProblem);
                continue;
            }
            if (equals >= 0)
            {
                Decode(pair[(equals + 1)..], out var valueProblem);
                if (valueProblem is not null) yield return (safeName, valueProblem);
            }
        }
    }

    static string Decode(string raw, out string? problem)
    {
        problem = null;
        string text;
        try
        {
            // UrlDecodeToBytes keeps invalid UTF-8 as bytes, so the strict decoder sees it.
            text = StrictUtf8.GetString(System.Web.HttpUtility.UrlDecodeToBytes(raw, Encoding.UTF8) ?? []);
        }
        catch (DecoderFallbackException)
        {
            problem = TextRules.InvalidUnicodeMessage;
            return "";
        }
        problem = TextRules.Problem(text);
        return text;
    }
}
