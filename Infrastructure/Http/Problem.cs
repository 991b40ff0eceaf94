using System.Text.Json;
using FluentValidation.Results;
using Inbox.Infrastructure.Json;

namespace Inbox.Infrastructure.Http;

/// <summary>
/// An RFC 9457 problem details body, the one error shape of the service:
/// <c>{"type","title","status","detail","errors":{"field":["message"]}}</c>. <c>errors</c> is always present
/// (empty unless a field is at fault) so clients can read it without a null check.
/// </summary>
public sealed record Problem(string Type, string Title, int Status, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>
    /// Members a route adds to the problem (RFC 9457 extension members, e.g. a duplicate's <c>existingContactId</c>),
    /// written beside the standard ones. A failure passed to <c>ThrowError</c> carries one as its
    /// <see cref="ValidationFailure.CustomState"/> (a <see cref="ProblemExtension"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, object>? Extensions { get; init; }

    public const string ContentType = "application/problem+json";
    /// <summary>The field FastEndpoints files errors under when no request property is at fault.</summary>
    public const string GeneralErrorsField = "generalErrors";

    static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static readonly JsonSerializerOptions SerializerOptions = JsonSetup.Wire;

    public static Problem For(int status, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(TypeFor(status), TitleFor(status), status, detail, errors ?? NoErrors);

    /// <summary>
    /// FastEndpoints hands every validation failure and every <c>ThrowError</c> here. Field failures become
    /// <c>errors</c> (camelCase paths); failures without a field (FastEndpoints' general errors) become <c>detail</c>.
    /// </summary>
    public static Problem FromFailures(IEnumerable<ValidationFailure> failures, int status)
    {
        var errors = new Dictionary<string, string[]>();
        var general = new List<string>();
        Dictionary<string, object>? extensions = null;
        foreach (var failure in failures)
            if (failure.CustomState is ProblemExtension extension)
                (extensions ??= [])[extension.Name] = extension.Value;
        foreach (var group in failures.GroupBy(f => f.PropertyName))
        {
            var messages = group.Select(f => f.ErrorMessage).Distinct().ToArray();
            if (string.IsNullOrEmpty(group.Key) || group.Key == GeneralErrorsField) general.AddRange(messages);
            else errors[CamelCasePath(group.Key)] = messages;
        }

        // A conflict on one field (a taken email) reads best as its own message; validation as a summary.
        var detail = general.Count > 0 ? string.Join(" ", general)
            : errors.Count == 0 ? null
            : status == StatusCodes.Status400BadRequest ? "One or more fields are invalid."
            : string.Join(" ", errors.Values.SelectMany(m => m));
        return For(status, detail, errors) with { Extensions = extensions };
    }

    public static Task WriteAsync(HttpContext context, int status, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(For(status, detail, errors), SerializerOptions, ContentType);
    }

    static string CamelCasePath(string path) =>
        string.Join('.', path.Split('.').Select(segment => segment.Length == 0 ? segment : JsonNamingPolicy.CamelCase.ConvertName(segment)));

    static string TitleFor(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ when status >= 500 => "Internal Server Error",
        _ => "Error",
    };

    static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}

/// <summary>One extension member of a problem: a name (camelCase, as written) and a value serialised as JSON.</summary>
public sealed record ProblemExtension(string Name, object Value);
