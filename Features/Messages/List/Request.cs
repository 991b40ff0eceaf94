namespace Inbox.Features.Messages.List;

public sealed class Request : PageQuery
{
    public Guid Id { get; set; }
    /// <summary>Catch-up after a reconnect: the messages after this one, oldest first.</summary>
    [QueryParam] public Guid? After { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPageRules();
            RuleFor(x => x.Cursor).Must(c => KeysetCursor.DecodeLong(c) is not null)
                .When(x => x.Cursor is not null)
                .WithMessage("The cursor is not one this service handed out.");
            RuleFor(x => x.After).Null()
                .When(x => x.Cursor is not null)
                .WithMessage("Give either 'after' or 'cursor', not both: the next page of a catch-up is its nextCursor alone.");
        }
    }
}
