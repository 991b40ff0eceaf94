namespace Inbox.Features.Auth.Refresh;

public sealed class Request
{
    /// <summary>Refresh tokens are far shorter; anything longer cannot be one.</summary>
    public const int MaxRefreshTokenLength = 200;

    public string RefreshToken { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.RefreshToken).NotEmpty().MaximumLength(MaxRefreshTokenLength);
    }
}
