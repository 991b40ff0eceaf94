namespace Inbox.Features.Webhooks.Receivers.Edit;

/// <summary>The endpoint as the list shows it, without its secret.</summary>
public sealed record Response(Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, Instant CreatedAt);
