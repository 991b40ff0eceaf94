namespace Inbox.Features.Machines.Create;

public sealed class Request
{
    public const int MaxNameLength = 200;
    public const int MaxLocationLength = 200;
    public const int MaxSerialNumberLength = 100;

    public string? Name { get; set; }
    public string? Location { get; set; }
    public string? SerialNumber { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(MaxNameLength);
            RuleFor(x => x.Location).MaximumLength(MaxLocationLength);
            RuleFor(x => x.SerialNumber).MaximumLength(MaxSerialNumberLength);
        }
    }
}
