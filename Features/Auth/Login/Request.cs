using Inbox.Features.Users;

namespace Inbox.Features.Auth.Login;

public sealed class Request
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            // Only shape checks: a login never says which part was wrong.
            RuleFor(x => x.Email).NotEmpty().MaximumLength(UserRules.MaxEmailLength);
            RuleFor(x => x.Password).NotEmpty().MaximumLength(Passwords.MaxLength);
        }
    }
}
