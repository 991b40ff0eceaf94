namespace Inbox.Features.Machines.Create;

public sealed class Request
{
    public string? Name { get; set; }
    public string? Location { get; set; }
    public string? SerialNumber { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name).ValidName();
            RuleFor(x => x.Location).ValidLocation();
            RuleFor(x => x.SerialNumber).ValidSerialNumber();
        }
    }
}
