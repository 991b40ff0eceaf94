namespace Inbox.Features.ApiKeys.Create;

/// <summary><c>key</c> is in this answer only; the service keeps just its hash.</summary>
public sealed record Response(Guid Id, string Name, string Prefix, string Key, Instant CreatedAt);
