namespace Inbox.Features.Accounts.Edit;

public sealed record Response(Guid Id, string Name, string? DefaultPhoneRegion, Instant CreatedAt);
