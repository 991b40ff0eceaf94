using System.Text.Json.Serialization;
using Inbox.Features.Events;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Time;
using LinqToDB.Data;

namespace Inbox.Features.ReadReceipts.Mute;

public sealed class Request
{
    [JsonIgnore] public Guid Id { get; set; }
    public bool? Muted { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.Muted).NotNull().WithMessage("'muted' is required: true or false.");
    }
}

public sealed record Response(Guid ConversationId, bool Muted);

/// <summary>
/// Mutes or unmutes a conversation for the caller: a muted conversation keeps its own unread count but leaves the
/// total. Muting makes the caller a participant (the flag lives on their receipt); unmuting as a non-participant
/// changes nothing.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IInboxEvents events) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Put("/api/conversations/{id}/mute");
        Roles(InboxRoles.Users);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        req.Id = Route<Guid>("id");
        var caller = User.Caller();
        var me = caller.UserId!.Value;
        if (!await Data.ConversationExistsAsync(db, caller.AccountId, req.Id, ct))
            ThrowError("No such conversation.", StatusCodes.Status404NotFound);
        var muted = req.Muted!.Value;
        var changed = muted
            ? await Data.MuteAsync(db, caller.AccountId, req.Id, me, clock.NowForDatabase(), ct)
            : await Data.UnmuteAsync(db, caller.AccountId, req.Id, me, ct);
        if (changed)
            events.Publish(new MuteChanged(caller.AccountId, req.Id, me, muted));
        await Send.OkAsync(new Response(req.Id, muted), ct);
    }
}

static class Data
{
    public static Task<bool> ConversationExistsAsync(InboxDb db, Guid accountId, Guid conversationId, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == conversationId && c.AccountId == accountId, ct);

    /// <summary>True when the flag changed (a new participant row counts as a change).</summary>
    public static async Task<bool> MuteAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, Instant now, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO conversation_participants (conversation_id, user_id, account_id, muted, joined_at)
            VALUES (@conversation, @user, @account, true, @now)
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET muted = true
             WHERE conversation_participants.muted = false
            """, ct,
            new DataParameter("conversation", conversationId), new DataParameter("user", userId),
            new DataParameter("account", accountId), new DataParameter("now", now)) == 1;

    public static async Task<bool> UnmuteAsync(InboxDb db, Guid accountId, Guid conversationId, Guid userId, CancellationToken ct) =>
        await db.Participants
            .Where(p => p.ConversationId == conversationId && p.UserId == userId && p.AccountId == accountId && p.Muted)
            .Set(p => p.Muted, false)
            .UpdateAsync(ct) == 1;
}
