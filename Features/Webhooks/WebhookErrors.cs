namespace Inbox.Features.Webhooks;

/// <summary>
/// The error answers of the webhook routes, in one place. They are written by <see cref="Problem.WriteAsync"/>
/// rather than FastEndpoints' <c>ThrowError</c>: both give the same body byte for byte, but <c>ThrowError</c>'s
/// answer says <c>Content-Type: application/problem+json; charset=utf-8</c> where these routes have always said
/// <c>application/problem+json</c>, and the header is part of the contract the restructuring of issue 15 keeps.
/// Once the service settles one content type for its errors, these become <c>ThrowError</c> calls.
/// </summary>
static class WebhookErrors
{
    public static Task NotFoundAsync(HttpContext context, string detail) =>
        Problem.WriteAsync(context, StatusCodes.Status404NotFound, detail);

    public static Task ConflictAsync(HttpContext context, string detail) =>
        Problem.WriteAsync(context, StatusCodes.Status409Conflict, detail);
}
