namespace Inbox.Features.Tickets.History;

/// <summary><c>from</c> is null on the first entry: the ticket's creation.</summary>
public sealed record Response(string? From, string To, string? Note, Guid? ByUserId, Instant At);
