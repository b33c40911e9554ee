using Orleans.Parallel.Results;

namespace Orleans.Parallel;

/// <summary>
/// Waiting for and aborting chosen tasks, by their results or msg ids (ipyparallel's
/// <c>rc.wait(jobs)</c> and <c>rc.abort(jobs)</c>); the views' forms come here too.
/// </summary>
public sealed partial class ParallelClient
{
    /// <summary>
    /// Aborts these tasks, this client's or another's: queued ones are removed from their queues and
    /// running ones have their cancellation token cancelled; both end as aborted. Waits up to
    /// <paramref name="grace"/> (default 1 s) for them to end and reports any still running (a task
    /// that ignores its token). A task of another client is reached on the engine its record names;
    /// one that no engine has taken yet is not reached (as in ipyparallel, whose abort goes to engines).
    /// </summary>
    /// <exception cref="KeyNotFoundException">Some ids name no task.</exception>
    public async Task<AbortOutcome> AbortAsync(IEnumerable<Guid> msgIds, TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var ids = CheckIds(msgIds);
        Timeouts.Check(grace, nameof(grace)); // a bad grace aborts nothing
        var messages = await MessagesOfAsync(ids, cancellationToken).ConfigureAwait(false);
        return await AbortAndWaitAsync(messages, grace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Aborts the tasks of these results; see <see cref="AbortAsync(IEnumerable{Guid}, TimeSpan?, CancellationToken)"/>.</summary>
    public Task<AbortOutcome> AbortAsync(IEnumerable<AsyncResult> results, TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return AbortAndWaitAsync(MessagesOf(results), grace, cancellationToken);
    }

    /// <summary>Waits until the tasks of these results have ended; false if some still run at the timeout (null waits for ever).</summary>
    public Task<bool> WaitAsync(IEnumerable<AsyncResult> results, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForAsync(MessagesOf(results), timeout, cancellationToken);

    /// <summary>Waits until these tasks, this client's or another's, have ended; false if some still run at the timeout.</summary>
    /// <exception cref="KeyNotFoundException">Some ids name no task.</exception>
    public async Task<bool> WaitAsync(IEnumerable<Guid> msgIds, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Timeouts.Check(timeout);
        var messages = await MessagesOfAsync(CheckIds(msgIds), cancellationToken).ConfigureAwait(false);
        return await WaitForAsync(messages, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Aborts <paramref name="messages"/>, then waits up to <paramref name="grace"/> for them to end.</summary>
    internal async Task<AbortOutcome> AbortAndWaitAsync(IReadOnlyList<PendingMessage> messages, TimeSpan? grace, CancellationToken cancellationToken)
    {
        var wait = Timeouts.Check(grace ?? TimeSpan.FromSeconds(1), nameof(grace));
        await AbortAsync(messages).ConfigureAwait(false);
        await ((Task)Task.WhenAll(messages.Select(m => m.Reply))).WaitAsync(TimeSpan.FromMilliseconds(wait), cancellationToken)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return new AbortOutcome([.. messages.Where(m => m.IsDone).Select(m => m.MsgId)], [.. messages.Where(m => !m.IsDone).Select(m => m.MsgId)]);
    }

    private static PendingMessage[] MessagesOf(IEnumerable<AsyncResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var messages = results.Select(r => r ?? throw new ArgumentException("The list of results holds a null.", nameof(results))).SelectMany(r => r.Messages).Distinct().ToArray();
        if (messages.Length == 0) throw new ArgumentException("Name at least one result with tasks; this list has none.", nameof(results));
        return messages;
    }
}
