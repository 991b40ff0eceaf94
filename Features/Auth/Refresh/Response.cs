namespace Inbox.Features.Auth.Refresh;

public sealed record Response(string AccessToken, string RefreshToken, Instant ExpiresAt);
