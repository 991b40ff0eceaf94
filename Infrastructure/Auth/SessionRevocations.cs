namespace Inbox.Infrastructure.Auth;

/// <summary>
/// Announces that a session ended (logout, refresh-token reuse) so that whatever holds live connections of that
/// session (the WebSocket hub) can close them at once instead of waiting for the access token to expire.
/// </summary>
public sealed class SessionRevocations
{
    public event Action<Guid>? SessionRevoked;

    public void Revoked(Guid sessionId) => SessionRevoked?.Invoke(sessionId);
}
