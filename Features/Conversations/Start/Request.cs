using System.Text.RegularExpressions;
using Inbox.Features.Users;

namespace Inbox.Features.Conversations.Start;

public sealed partial class Request
{
    public const int MaxSubjectLength = ConversationRules.MaxSubjectLength;
    public const int MaxParticipants = 50;
    public const int MaxContactFieldLength = 200;
    public const int MaxPhoneLength = 50;
    public const string DefaultChannel = "api";

    public string? Subject { get; set; }
    /// <summary>Where the conversation came from (<c>email</c>, <c>whatsapp</c>, <c>web</c>…); <c>api</c> when not given.</summary>
    public string? Channel { get; set; }
    public ContactRequest? Contact { get; set; }
    public Guid? AssigneeId { get; set; }
    public List<Guid>? ParticipantIds { get; set; }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,31}$")]
    internal static partial Regex ChannelPattern();

    /// <summary><c>{id}</c> links an existing contact; fields find one (externalId, then email, then phone) or create it.</summary>
    public sealed class ContactRequest
    {
        public Guid? Id { get; set; }
        public string? Name { get; set; }
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public string? ExternalId { get; set; }
    }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Subject).MaximumLength(MaxSubjectLength);
            RuleFor(x => x.Channel!).Matches(ChannelPattern())
                .WithMessage("'channel' must be 1 to 32 lowercase letters, digits, '.', '_' or '-'.")
                .When(x => x.Channel is not null);
            RuleFor(x => x.Contact).NotNull().WithMessage("'contact' is required.");
            RuleFor(x => x.Contact!)
                .Must(c => c.Id is not null || new[] { c.Name, c.Email, c.Phone, c.ExternalId }.Any(v => !string.IsNullOrWhiteSpace(v)))
                .WithMessage("'contact' needs an id, or at least one of name, email, phone or externalId.")
                .When(x => x.Contact is not null);
            When(x => x.Contact is not null, () =>
            {
                RuleFor(x => x.Contact!.Id).NotEqual(Guid.Empty).WithMessage("'contact.id' must be the id of a contact.").When(x => x.Contact!.Id is not null);
                RuleFor(x => x.Contact!.Name).MaximumLength(MaxContactFieldLength);
                RuleFor(x => x.Contact!.Email!).MaximumLength(UserRules.MaxEmailLength).EmailAddress().When(x => !string.IsNullOrEmpty(x.Contact!.Email));
                RuleFor(x => x.Contact!.Phone).MaximumLength(MaxPhoneLength);
                RuleFor(x => x.Contact!.ExternalId).MaximumLength(MaxContactFieldLength);
            });
            RuleFor(x => x.AssigneeId).NotEqual(Guid.Empty).WithMessage("'assigneeId' must be the id of a user.").When(x => x.AssigneeId is not null);
            RuleFor(x => x.ParticipantIds!.Count).LessThanOrEqualTo(MaxParticipants)
                .OverridePropertyName(nameof(ParticipantIds))
                .WithMessage($"'participantIds' may name at most {MaxParticipants} users.")
                .When(x => x.ParticipantIds is not null);
        }
    }
}
