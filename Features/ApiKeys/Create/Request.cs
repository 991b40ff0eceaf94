namespace Inbox.Features.ApiKeys.Create;

public sealed class Request
{
    public const int MaxNameLength = 200;

    public string Name { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.Name).NotEmpty().MaximumLength(MaxNameLength);
    }
}
