namespace Inbox.Features.Contacts.History;

public sealed record Response(string? From, string To, string? Note, Guid? ByUserId, Instant At);
