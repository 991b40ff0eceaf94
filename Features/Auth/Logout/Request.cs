namespace Inbox.Features.Auth.Logout;

public sealed class Request
{
    public string RefreshToken { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.RefreshToken).NotEmpty().MaximumLength(200);
    }
}
