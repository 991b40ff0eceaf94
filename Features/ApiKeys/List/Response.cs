namespace Inbox.Features.ApiKeys.List;

/// <summary>A key as listed: its prefix identifies it, the key itself is never answered again.</summary>
public sealed record Response(Guid Id, string Name, string Prefix, Instant CreatedAt);
