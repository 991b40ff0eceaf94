using System.Text.Json.Serialization;

namespace Inbox.Features.Contacts.Merge;

public sealed class Request
{
    /// <summary>The contact that survives.</summary>
    [RouteParam, JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public Guid Id { get; set; }
    /// <summary>The contact merged into it, then deleted.</summary>
    public Guid? DuplicateId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.DuplicateId).NotNull().NotEqual(Guid.Empty).WithMessage("'duplicateId' must be the id of a contact.");
            RuleFor(x => x.DuplicateId).Must((r, d) => d != r.Id).WithMessage("A contact cannot be merged into itself.").When(x => x.DuplicateId is not null);
        }
    }
}
