using Inbox.Features.Users;

namespace Inbox.Features.Accounts.SignUp;

public sealed class Request
{
    public const int MaxAccountNameLength = 200;

    public string AccountName { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.AccountName).NotEmpty().MaximumLength(MaxAccountNameLength);
            RuleFor(x => x.Name).ValidName();
            RuleFor(x => x.Email).ValidEmail();
            RuleFor(x => x.Password).ValidPassword();
        }
    }
}
