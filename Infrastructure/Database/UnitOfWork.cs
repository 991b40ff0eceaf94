using LinqToDB.Data;

namespace Inbox.Infrastructure.Database;

/// <summary>
/// One request's writes, committed together. A request may already run inside a transaction that it does not
/// own: the Idempotency-Key middleware opens one so that what the handler writes and the stored answer commit
/// together (<see cref="Http.IdempotencyMiddleware"/>). Code that needs several statements to agree calls
/// <see cref="InboxDb.BeginOrJoinTransactionAsync"/>: it begins a transaction when none is open, and joins the
/// open one otherwise, leaving the commit to whoever began it.
/// </summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    readonly InboxDb _db;
    readonly DataConnectionTransaction? _owned;
    bool _committed;

    internal UnitOfWork(InboxDb db, DataConnectionTransaction? owned)
    {
        _db = db;
        _owned = owned;
    }

    /// <summary>Commits when this unit began the transaction; a joined one commits with its owner.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (_owned is null) return;
        await _owned.CommitAsync(ct);
        _committed = true;
        _db.RunAfterCommit();
    }

    /// <summary>Rolls back a transaction this unit began and did not commit; a joined one is left to its owner.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_owned is null) return;
        if (!_committed) _db.DiscardAfterCommit();
        await _owned.DisposeAsync();
    }
}

public sealed partial class InboxDb
{
    List<Action>? _afterCommit;

    /// <summary>Begins a transaction, or joins the one already open on this connection (see <see cref="UnitOfWork"/>).</summary>
    public async Task<UnitOfWork> BeginOrJoinTransactionAsync(CancellationToken ct) =>
        new(this, Transaction is null ? await BeginTransactionAsync(ct) : null);

    /// <summary>
    /// Runs <paramref name="action"/> once what this connection wrote is durable: at once when no transaction is
    /// open (each statement committed on its own), else after the transaction commits, and never if it rolls back.
    /// Events that tell clients about a change go through here, so nobody hears of a write that did not happen.
    /// </summary>
    public void AfterCommit(Action action)
    {
        if (Transaction is null) action();
        else (_afterCommit ??= []).Add(action);
    }

    /// <summary>Called by the owner of a transaction right after its commit.</summary>
    internal void RunAfterCommit()
    {
        var pending = _afterCommit;
        _afterCommit = null;
        pending?.ForEach(action => action());
    }

    /// <summary>Forgets the actions of a transaction that rolled back.</summary>
    internal void DiscardAfterCommit() => _afterCommit = null;
}
