namespace Inbox.Features.Webhooks.Receivers.Test;

/// <summary>The result of the one attempt: <c>statusCode</c> null when no answer came (timeout, refused, connection error).</summary>
public sealed record Response(int? StatusCode, string? Error, int DurationMs);
