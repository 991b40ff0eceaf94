using System.Threading.Channels;
using Inbox.Infrastructure.Events;
using LinqToDB.Data;
using LinqToDB.Mapping;
using Inbox.Features.Events;

namespace Inbox.Features.ReadReceipts;

/// <summary>
/// Raises <c>unread.updated</c> for users whose count in a conversation changed (a post, a mark-read, a mute, a new
/// participant). It listens to the events the slices publish after their commit (each says whose counts it moved)
/// and reads the stored counts those transactions wrote (docs/conversations.md): a primary-key read per pair and
/// the user's total rows, whatever else the user takes part in.
/// <para>
/// Why a loop rather than the values each transaction returned: a user's total is spread over 16 rows (so posts
/// into different conversations of one agent do not queue on a single row), and a transaction knows only its own.
/// Read here, after the commits, the total is whole; changes that arrive while a batch is being read coalesce into
/// the next one (a burst of posts to one conversation costs one read per user, not one per post), and a single
/// reader keeps each user's notifications in commit order, which concurrent requests publishing their own
/// values could not.
/// </para>
/// </summary>
public sealed class UnreadCounts(InboxDatabase database, IInboxEvents events, DatabaseOutage outage, ILogger<UnreadCounts> logger)
    : BackgroundService, IInboxEventSubscriber
{
    /// <summary>Pending (conversation, user) changes. Beyond this the oldest are dropped: a client refreshes its counts on reconnect.</summary>
    public const int QueueCapacity = 10_000;

    /// <summary>Most distinct (conversation, user) pairs counted by one statement.</summary>
    const int MaxBatch = 500;

    long _dropped;
    readonly Channel<Change> _queue = Channel.CreateBounded<Change>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    readonly record struct Change(Guid AccountId, Guid ConversationId, Guid UserId);

    /// <summary>Queues the reads an event calls for; never blocks.</summary>
    public ValueTask HandleAsync(InboxEvent e, CancellationToken ct)
    {
        switch (e)
        {
            case MessageCreated created: Changed(created.AccountId, created.ConversationId, created.UnreadChangedFor); break;
            case ReadUpdated read: Changed(read.AccountId, read.Receipt.ConversationId, [read.Receipt.UserId]); break;
            case MuteChanged mute: Changed(mute.AccountId, mute.ConversationId, [mute.UserId]); break;
            case ConversationUpdated updated: Changed(updated.AccountId, updated.Conversation.Id, updated.Joined); break;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Queues a read for each of <paramref name="userIds"/>; never blocks and never fails the caller.</summary>
    void Changed(Guid accountId, Guid conversationId, IEnumerable<Guid> userIds)
    {
        foreach (var userId in userIds)
            if (!_queue.Writer.TryWrite(new Change(accountId, conversationId, userId)))
                Interlocked.Increment(ref _dropped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new HashSet<Change>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var change))
                    batch.Add(change);
                try
                {
                    await CountAndPublishAsync(batch, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A lost notification costs a client a refresh; the loop goes on with the next batch.
                    outage.LogFailure(logger, e, $"Could not raise unread.updated for {batch.Count} users");
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    async Task CountAndPublishAsync(IReadOnlyCollection<Change> batch, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
            logger.LogWarning("Dropped {Count} unread notifications: the queue was full", dropped);

        await using var db = database.Open();
        var counts = await db.PrepareNextStatement().QueryToListAsync<Counted>(CountSql, ct,
            new DataParameter("accounts", batch.Select(c => c.AccountId).ToArray()),
            new DataParameter("conversations", batch.Select(c => c.ConversationId).ToArray()),
            new DataParameter("users", batch.Select(c => c.UserId).ToArray()));
        foreach (var c in counts)
            events.Publish(new UnreadUpdated(c.AccountId, c.UserId, c.ConversationId, c.UnreadCount, c.Total));
    }

    /// <summary>
    /// Each pair's stored count and its user's stored total. A pair that is no participation (the user never
    /// joined) yields no row. The benchmark's pgbench baseline reads this very text from here. Prepared
    /// (<see cref="PreparedStatements"/>): lookups by key only.
    /// </summary>
    const string CountSql =
        """
        WITH pairs AS (
            SELECT DISTINCT * FROM unnest(@accounts::uuid[], @conversations::uuid[], @users::uuid[]) AS x(account_id, conversation_id, user_id)
        )
        SELECT p.account_id, p.conversation_id, p.user_id, p.unread_count,
               (SELECT coalesce(sum(t.total), 0) FROM unread_totals t WHERE t.user_id = p.user_id)::bigint AS total
          FROM pairs x
          JOIN conversation_participants p ON p.account_id = x.account_id AND p.conversation_id = x.conversation_id AND p.user_id = x.user_id
        """;

    sealed class Counted
    {
        [Column("account_id")] public Guid AccountId { get; set; }
        [Column("conversation_id")] public Guid ConversationId { get; set; }
        [Column("user_id")] public Guid UserId { get; set; }
        [Column("unread_count")] public long UnreadCount { get; set; }
        [Column("total")] public long Total { get; set; }
    }
}
