namespace Inbox.Features.Webhooks.Receivers.Create;

/// <summary><c>secret</c> is in this answer only.</summary>
public sealed record Response(Guid Id, string Url, IReadOnlyList<string> Events, string Secret, Instant CreatedAt);
