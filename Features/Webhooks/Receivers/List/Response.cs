namespace Inbox.Features.Webhooks.Receivers.List;

/// <summary><c>enabled</c> turns false once a receiver answered 410 Gone.</summary>
public sealed record Response(Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, Instant CreatedAt);
