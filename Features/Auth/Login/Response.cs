using Inbox.Features.Users;

namespace Inbox.Features.Auth.Login;

public sealed record Response(UserResponse User, string AccessToken, string RefreshToken, Instant ExpiresAt);
