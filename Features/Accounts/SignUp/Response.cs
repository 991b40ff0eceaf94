using Inbox.Features.Users;

namespace Inbox.Features.Accounts.SignUp;

public sealed record AccountResponse(Guid Id, string Name, Instant CreatedAt);

public sealed record Response(AccountResponse Account, UserResponse User, string AccessToken, string RefreshToken, Instant ExpiresAt);
