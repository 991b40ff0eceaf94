namespace Inbox.Features.Conversations;

/// <summary>Field limits shared by starting and editing a conversation, so both accept exactly the same subject.</summary>
public static class ConversationRules
{
    public const int MaxSubjectLength = 500;
}
