using System.Text.Json.Serialization;

namespace Inbox.Features.Conversations.Edit;

/// <summary>
/// A partial update: a field left out keeps its value; <c>"subject": null</c> clears the subject and
/// <c>"assigneeId": null</c> unassigns, so those two setters remember that the field was present.
/// </summary>
public sealed class Request
{
    public const int MaxSubjectLength = Start.Request.MaxSubjectLength;

    string? _subject;
    Guid? _assigneeId;
    internal bool SubjectGiven;
    internal bool AssigneeGiven;

    [JsonIgnore] public Guid Id { get; set; }

    public string? Subject
    {
        get => _subject;
        set { _subject = value; SubjectGiven = true; }
    }

    public string? Status { get; set; }

    public Guid? AssigneeId
    {
        get => _assigneeId;
        set { _assigneeId = value; AssigneeGiven = true; }
    }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x).Must(x => x.SubjectGiven || x.Status is not null || x.AssigneeGiven)
                .WithMessage("Give at least one of subject, status or assigneeId.");
            RuleFor(x => x.Subject).MaximumLength(MaxSubjectLength);
            RuleFor(x => x.Status).Must(s => ConversationStatus.All.Contains(s))
                .WithMessage("'status' must be \"open\", \"pending\" or \"resolved\".")
                .When(x => x.Status is not null);
            RuleFor(x => x.AssigneeId).NotEqual(Guid.Empty).WithMessage("'assigneeId' must be the id of a user.").When(x => x.AssigneeId is not null);
        }
    }
}
