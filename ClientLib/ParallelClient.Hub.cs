using Orleans.Parallel.Connection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Results;
using Orleans.Parallel.Views;

namespace Orleans.Parallel;

/// <summary>
/// What a client asks of the hub (ipyparallel's <c>get_result</c>, <c>result_status</c>,
/// <c>resubmit</c>, <c>hub_history</c>, <c>purge_results</c>, <c>db_query</c>, <c>queue_status</c>):
/// answered from the task records every silo writes, so any client, or this one after
/// reconnecting, can come back to any task by its msg id.
/// </summary>
public sealed partial class ParallelClient
{
    private IHubGrain Hub => Grains.GetGrain<IHubGrain>(0);

    /// <summary>
    /// The result of a task by msg id, pending or finished, submitted by this client or any other.
    /// A task this client still waits for gives its live result; otherwise the hub's record does,
    /// and a pending one completes when its record says it ended.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No task has that id (never submitted, or purged); the message names it.</exception>
    public async Task<AsyncResult<object?>> GetResultAsync(Guid msgId, CancellationToken cancellationToken = default)
    {
        var messages = await MessagesOfAsync([msgId], cancellationToken).ConfigureAwait(false);
        return new AsyncResult<object?>(this, messages, scalar: true, replies => replies[0].Result);
    }

    /// <summary>The result of a task by msg id, typed: its value as <typeparamref name="T"/> (see <see cref="GetResultAsync(Guid, CancellationToken)"/>).</summary>
    /// <exception cref="KeyNotFoundException">No task has that id (never submitted, or purged); the message names it.</exception>
    public async Task<AsyncResult<T>> GetResultAsync<T>(Guid msgId, CancellationToken cancellationToken = default)
    {
        var messages = await MessagesOfAsync([msgId], cancellationToken).ConfigureAwait(false);
        return new AsyncResult<T>(this, messages, scalar: true, replies => ValueCast.To<T>(replies[0].Result, replies[0]));
    }

    /// <summary>The results of several tasks by msg id, as one result whose value lists them in the order asked.</summary>
    /// <exception cref="KeyNotFoundException">Some ids name no task; the message names them.</exception>
    public async Task<AsyncResult<object?[]>> GetResultAsync(IEnumerable<Guid> msgIds, CancellationToken cancellationToken = default)
    {
        var messages = await MessagesOfAsync(CheckIds(msgIds), cancellationToken).ConfigureAwait(false);
        return new AsyncResult<object?[]>(this, messages, scalar: false, replies => replies.Select(r => r.Result).ToArray());
    }

    /// <summary>Which of these tasks are pending and which have ended, by their records.</summary>
    /// <exception cref="KeyNotFoundException">Some ids name no task.</exception>
    public async Task<ResultStatus> ResultStatusAsync(IEnumerable<Guid> msgIds, CancellationToken cancellationToken = default)
    {
        var ids = CheckIds(msgIds);
        // This client's own outstanding tasks are pending, even before their record reaches the hub.
        var ask = ids.Where(id => !Dispatcher.TryGetOutstanding(id, out _)).ToArray();
        var done = ask.Length == 0 ? []
            : (await Hub.GetRecordsAsync(ask).WaitAsync(cancellationToken).ConfigureAwait(false)).Where(r => r.IsDone).Select(r => r.MsgId).ToHashSet();
        return new ResultStatus(ids.Where(id => !done.Contains(id)).ToArray(), ids.Where(done.Contains).ToArray());
    }

    /// <summary>
    /// Runs finished tasks again from their stored requests, each under a new msg id (the records of
    /// old and new point at each other). A load-balanced task is balanced again with its placement;
    /// a task sent to one engine goes to that engine again. The result lists the new tasks' values
    /// in the order asked.
    /// </summary>
    /// <exception cref="KeyNotFoundException">Some ids name no task.</exception>
    /// <exception cref="InvalidOperationException">A task is still pending, its engine is gone, or its request cannot be run again; the message says which.</exception>
    public async Task<AsyncResult<object?[]>> ResubmitAsync(IEnumerable<Guid> msgIds, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var ids = CheckIds(msgIds);
        ThrowIfOutstanding(ids, "resubmitted");
        var records = await Hub.GetRecordsAsync(ids).WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in records) Resubmission.Check(record, this);
        var messages = records.Select(r => Resubmission.Send(r, this)).ToArray();
        await Hub.RecordResubmittedAsync(records.Select(r => r.MsgId).ToArray(), messages.Select(m => m.MsgId).ToArray())
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return new AsyncResult<object?[]>(this, messages, scalar: false, replies => replies.Select(r => r.Result).ToArray());
    }

    /// <summary>Runs one finished task again under a new msg id; see <see cref="ResubmitAsync(IEnumerable{Guid}, CancellationToken)"/>.</summary>
    /// <exception cref="KeyNotFoundException">No task has that id.</exception>
    /// <exception cref="InvalidOperationException">The task is still pending, its engine is gone, or its request cannot be run again.</exception>
    public async Task<AsyncResult<object?>> ResubmitAsync(Guid msgId, CancellationToken cancellationToken = default)
    {
        var again = await ResubmitAsync([msgId], cancellationToken).ConfigureAwait(false);
        return new AsyncResult<object?>(this, again.Messages, scalar: true, replies => replies[0].Result);
    }

    /// <summary>Runs one finished task again under a new msg id, its value typed as <typeparamref name="T"/>; see <see cref="ResubmitAsync(IEnumerable{Guid}, CancellationToken)"/>.</summary>
    /// <exception cref="KeyNotFoundException">No task has that id.</exception>
    /// <exception cref="InvalidOperationException">The task is still pending, its engine is gone, or its request cannot be run again.</exception>
    public async Task<AsyncResult<T>> ResubmitAsync<T>(Guid msgId, CancellationToken cancellationToken = default)
    {
        var again = await ResubmitAsync([msgId], cancellationToken).ConfigureAwait(false);
        return new AsyncResult<T>(this, again.Messages, scalar: true, replies => ValueCast.To<T>(replies[0].Result, replies[0]));
    }

    /// <summary>Every recorded task's msg id, in submission order (ipyparallel's <c>hub_history</c>).</summary>
    public Task<IReadOnlyList<Guid>> HubHistoryAsync(CancellationToken cancellationToken = default) =>
        Hub.HistoryAsync().WaitAsync(cancellationToken);

    /// <summary>Forgets the records of these finished tasks; returns how many were removed.</summary>
    /// <exception cref="KeyNotFoundException">Some ids name no task.</exception>
    /// <exception cref="InvalidOperationException">Some of the tasks are still pending (nothing is purged then); the message names them.</exception>
    public Task<int> PurgeResultsAsync(IEnumerable<Guid> msgIds, CancellationToken cancellationToken = default)
    {
        var ids = CheckIds(msgIds);
        ThrowIfOutstanding(ids, "purged");
        return Hub.PurgeAsync(ids).WaitAsync(cancellationToken);
    }

    /// <summary>Forgets the records of every finished task (pending ones stay); returns how many were removed.</summary>
    public Task<int> PurgeAllResultsAsync(CancellationToken cancellationToken = default) =>
        Hub.PurgeAsync(null).WaitAsync(cancellationToken);

    /// <summary>
    /// The task records that match <paramref name="query"/>, in submission order (ipyparallel's
    /// <c>db_query</c>). With <paramref name="keys"/>, only those fields travel and are filled in
    /// (<see cref="TaskRecord.MsgId"/> always); results come back as values, as from a view.
    /// </summary>
    /// <exception cref="ArgumentException">The query names an unknown field or operator, or a value of the wrong type.</exception>
    public async Task<IReadOnlyList<TaskRecord>> DbQueryAsync(TaskQuery query, IEnumerable<TaskField>? keys = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var checkedQuery = query.Validate(); // bad input fails here, before anything is sent
        var fields = keys?.Distinct().ToArray();
        foreach (var key in fields ?? [])
            if (!Enum.IsDefined(key))
                throw new ArgumentOutOfRangeException(nameof(keys), key, $"{key} is not a task record field; use the TaskField names ({string.Join(", ", Enum.GetNames<TaskField>())}).");
        var records = await Hub.QueryAsync(checkedQuery, fields).WaitAsync(cancellationToken).ConfigureAwait(false);
        return records.Select(RecordValues.Unpack).ToArray();
    }

    /// <summary>
    /// <see cref="DbQueryAsync(TaskQuery, IEnumerable{TaskField}?, CancellationToken)"/> with the
    /// query written as ipyparallel writes it: <c>{ ["submitted"] = new Dictionary&lt;string, object?&gt; { ["$lt"] = t } }</c>.
    /// </summary>
    public Task<IReadOnlyList<TaskRecord>> DbQueryAsync(IReadOnlyDictionary<string, object?> query, IEnumerable<TaskField>? keys = null, CancellationToken cancellationToken = default) =>
        DbQueryAsync(TaskQuery.Parse(query ?? throw new ArgumentNullException(nameof(query))), keys, cancellationToken);

    /// <summary>
    /// The queues of these engines (all when null), and the load-balanced tasks no engine has taken
    /// yet: those waiting in the silos' queues, and this client's own waiting for their dependencies.
    /// </summary>
    /// <param name="engineIds">The engines to report; null for all.</param>
    /// <param name="verbose">With msg ids (queued, running, unassigned); without (the default), counts only.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id names no engine.</exception>
    public async Task<QueueStatus> QueueStatusAsync(IEnumerable<int>? engineIds = null, bool verbose = false, CancellationToken cancellationToken = default)
    {
        var ids = engineIds?.ToArray();
        if (ids is not null) foreach (var id in ids) CheckId(id);
        var status = await Hub.QueueStatusAsync(ids, verbose).WaitAsync(cancellationToken).ConfigureAwait(false);
        var held = Dispatcher.Outstanding.Where(m => m.Hold is not null && m.Queue is null && !m.IsDone).Select(m => m.MsgId).ToArray();
        if (held.Length == 0) return status;
        return status with
        {
            Unassigned = verbose ? [.. status.Unassigned, .. held] : [],
            UnassignedCount = status.UnassignedCount + held.Length,
        };
    }

    /// <summary>
    /// The cluster at one moment (what <c>opx status</c> shows): the active silos and the engines
    /// each hosts, every engine's queue (busy or idle, queued, completed; counts only), the
    /// load-balanced tasks no engine has taken (this client's own held for dependencies among them),
    /// and the task store with its record counts.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    public async Task<ClusterStatus> ClusterStatusAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var status = await Hub.ClusterStatusAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var held = Dispatcher.Outstanding.Count(m => m.Hold is not null && m.Queue is null && !m.IsDone);
        return held == 0 ? status : status with { Queues = status.Queues with { UnassignedCount = status.Queues.UnassignedCount + held } };
    }

    /// <summary>One message per id: this client's own while it waits, else one ended (or watched) from the task's record.</summary>
    internal async Task<PendingMessage[]> MessagesOfAsync(IReadOnlyList<Guid> msgIds, CancellationToken cancellationToken)
    {
        var messages = new PendingMessage?[msgIds.Count];
        var ask = new List<Guid>();
        for (var i = 0; i < msgIds.Count; i++)
            if (Dispatcher.TryGetOutstanding(msgIds[i], out var live)) messages[i] = live;
            else ask.Add(msgIds[i]);
        if (ask.Count > 0)
        {
            var records = (await Hub.GetRecordsAsync(ask).WaitAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.MsgId);
            var watched = new List<PendingMessage>();
            for (var i = 0; i < msgIds.Count; i++)
            {
                if (messages[i] is not null) continue;
                var record = records[msgIds[i]];
                var message = RecordValues.Message(record);
                if (record.IsDone) RecordValues.Finish(message, record);
                else watched.Add(message);
                messages[i] = message;
            }
            if (watched.Count > 0) _ = WatchAsync(watched);
        }
        return messages!;
    }

    /// <summary>
    /// Follows pending tasks of other clients through their records until they end (they report to
    /// their own client, not this one): every 50 ms at first, then less often, up to once a second.
    /// </summary>
    private async Task WatchAsync(List<PendingMessage> watched)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (watched.Count > 0 && Volatile.Read(ref _disposed) == 0)
        {
            await Task.Delay(delay).ConfigureAwait(false);
            if (delay < TimeSpan.FromSeconds(1)) delay *= 2;
            IReadOnlyList<TaskRecord> records;
            try
            {
                records = await Hub.GetRecordsAsync(watched.Select(m => m.MsgId).ToArray()).ConfigureAwait(false);
            }
            catch (KeyNotFoundException e)
            {
                foreach (var message in watched) message.Fail(new InvalidOperationException($"The record of task {message.MsgId} was purged before it ended.", e));
                return;
            }
            catch (Exception)
            {
                continue; // the hub could not be reached this time; it may be the next
            }
            foreach (var record in records.Where(r => r.IsDone))
            {
                var message = watched.First(m => m.MsgId == record.MsgId);
                RecordValues.Finish(message, record);
                watched.Remove(message);
            }
        }
        foreach (var message in watched)
            message.Fail(new ObjectDisposedException(nameof(ParallelClient), $"The client was disposed before task {message.MsgId} ended."));
    }

    /// <summary>This client's own tasks still outstanding are pending, whatever the hub has heard of them yet.</summary>
    private void ThrowIfOutstanding(IReadOnlyList<Guid> ids, string what)
    {
        var pending = ids.Where(id => Dispatcher.TryGetOutstanding(id, out _)).ToArray();
        if (pending.Length > 0)
            throw new InvalidOperationException(
                $"Task{(pending.Length == 1 ? "" : "s")} {string.Join(", ", pending)} {(pending.Length == 1 ? "is" : "are")} still pending; only finished tasks can be {what}. Wait for them first.");
    }

    private static Guid[] CheckIds(IEnumerable<Guid> msgIds)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        var ids = msgIds.ToArray();
        if (ids.Length == 0) throw new ArgumentException("Name at least one msg id; this list is empty.", nameof(msgIds));
        return ids;
    }
}
