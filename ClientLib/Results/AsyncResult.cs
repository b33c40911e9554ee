using System.Runtime.CompilerServices;
using Orleans.Parallel.Errors;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Results;

/// <summary>
/// The pending outcome of one operation on one or more engines (one message per engine task).
/// Returned at once by every <c>XxxAsync</c> call; <c>await</c> it, or use <see cref="Get"/>,
/// <see cref="Wait"/> and <see cref="Ready"/> as in ipyparallel. This base form carries no value
/// (Execute, Push, Scatter, Clear); <see cref="AsyncResult{T}"/> adds one.
/// </summary>
public partial class AsyncResult
{
    private readonly Task _allDone;
    private readonly bool _scalar;
    private readonly ParallelClient _client;

    internal AsyncResult(ParallelClient client, IReadOnlyList<PendingMessage> messages, bool scalar)
    {
        _client = client;
        Messages = messages;
        _scalar = scalar;
        _allDone = messages.Count == 1 ? messages[0].Reply : Task.WhenAll(messages.Select(m => m.Reply));
    }

    internal IReadOnlyList<PendingMessage> Messages { get; }

    /// <summary>The message ids of the tasks behind this result, in target order.</summary>
    public IReadOnlyList<Guid> MsgIds => Messages.Select(m => m.MsgId).ToArray();

    /// <summary>The message id of the one task behind this result (ipyparallel's <c>ar.msg_id</c>).</summary>
    /// <exception cref="InvalidOperationException">The result covers several tasks (or none); use <see cref="MsgIds"/>.</exception>
    public Guid MsgId => Single().MsgId;

    /// <summary>
    /// The engine of the one task behind this result (ipyparallel's <c>ar.engine_id</c>); for a
    /// load-balanced task, null until its reply names the engine that ran it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The result covers several tasks (or none); use <see cref="Metadata"/>.</exception>
    public int? EngineId => Single().EngineId is var id and >= 0 ? id : null;

    private PendingMessage Single() => Messages.Count == 1 ? Messages[0]
        : throw new InvalidOperationException(
            $"This result covers {Messages.Count} tasks, not one; read MsgIds and Metadata (each task's EngineId) instead.");

    /// <summary>
    /// True once every task has ended (successfully or not). Read from the tasks themselves, not from
    /// <c>Task.WhenAll</c> over them, whose own completion runs a moment after the last reply: a wait
    /// elsewhere (a view's or the client's) that saw every reply must find this result ready too.
    /// </summary>
    public bool Ready => _allDone.IsCompleted || Messages.All(m => m.IsDone);

    /// <summary>How many of the tasks have ended; for a map, how many of its items are done.</summary>
    public virtual int Progress => Messages.Count(m => m.IsDone);

    /// <summary>Whether a task that ended well still holds failed items (a map's errors kept in place).</summary>
    private protected virtual bool HasFailedItems(PendingMessage message) => false;

    /// <summary>Says how far the result got, for a wait that ran out.</summary>
    private protected virtual string ProgressText => $"{Progress} of {Messages.Count} task(s) ended";

    /// <summary>Whether failed tasks stay in the value (a map's items with errors in place) instead of being raised.</summary>
    private protected virtual bool ErrorsInPlace => false;

    /// <summary>True when every task ended without error (and, for a map with errors in place, every item).</summary>
    /// <exception cref="InvalidOperationException">The result is not ready yet.</exception>
    public bool Successful => Ready
        ? Messages.All(m => m.LocalError is null && m.Done?.Status == TaskStatus.Ok && !HasFailedItems(m))
        : throw new InvalidOperationException("Result not ready: Successful is known only once every task has ended.");

    /// <summary>Time since submission: to the last reply when ready, else to now.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            if (Messages.Count == 0) return TimeSpan.Zero;
            var first = Messages.Min(m => m.Submitted);
            var last = Ready ? Messages.Max(m => m.Received ?? DateTime.UtcNow) : DateTime.UtcNow;
            return last - first;
        }
    }

    /// <summary>Per-task metadata, in the order of <see cref="MsgIds"/>.</summary>
    public IReadOnlyList<TaskMetadata> Metadata => Messages.Select(Describe).ToArray();

    /// <summary>
    /// What each task wrote to standard output, in the order of <see cref="MsgIds"/>. Grows while the
    /// tasks run (their output streams in); at most the last 1 Mi characters per task are kept.
    /// </summary>
    public IReadOnlyList<string> Stdout => Messages.Select(m => m.Done?.Stdout ?? m.Live?.Stdout ?? "").ToArray();

    /// <summary>What each task wrote to standard error, in the order of <see cref="MsgIds"/>; grows while they run, as <see cref="Stdout"/>.</summary>
    public IReadOnlyList<string> Stderr => Messages.Select(m => m.Done?.Stderr ?? m.Live?.Stderr ?? "").ToArray();

    /// <summary>
    /// The tasks' output as they write it: chunks of stdout and stderr, each tagged with its task and
    /// engine, in the order each task wrote them; ends when every task has ended and its output is in.
    /// Same as <see cref="ReadOutputAsync"/>.
    /// </summary>
    public IAsyncEnumerable<Engine.OutputChunk> Output => ReadOutputAsync();

    /// <summary>
    /// Reads the tasks' output as they write it (see <see cref="Output"/>). Output written before the
    /// reading began comes first, as one chunk per task and stream. A reader more than 4 Mi characters
    /// behind loses the oldest chunks and gets a notice in their place, so a chatty task cannot
    /// exhaust the client's memory.
    /// </summary>
    public async IAsyncEnumerable<Engine.OutputChunk> ReadOutputAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new OutputReader();
        var earlier = new List<Engine.OutputChunk>();
        foreach (var message in Messages) earlier.AddRange(message.LiveOutput().Attach(reader, message.MsgId, message.EngineId));
        foreach (var message in Messages) _ = message.Reply.ContinueWith(_ => reader.Signal(), TaskScheduler.Default);
        try
        {
            foreach (var chunk in earlier) yield return chunk;
            var finished = new HashSet<PendingMessage>();
            while (true)
            {
                while (reader.TryTake(out var chunk)) yield return chunk;
                foreach (var message in Messages)
                {
                    if (finished.Contains(message) || !message.OutputComplete) continue;
                    finished.Add(message);
                    // Output that was not streamed (the task ended before its first tick) is in the reply.
                    if (message.Done is { Streamed: 0 } done && message.Live?.Count is null or 0)
                    {
                        var engine = done.EngineId >= 0 ? done.EngineId : message.EngineId;
                        if (done.Stdout.Length > 0) yield return new Engine.OutputChunk(message.MsgId, engine, false, done.Stdout, 0);
                        if (done.Stderr.Length > 0) yield return new Engine.OutputChunk(message.MsgId, engine, true, done.Stderr, 1);
                    }
                }
                if (finished.Count == Messages.Count && !reader.TryPeekAny()) yield break;
                await reader.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var message in Messages) message.Live?.Detach(reader);
        }
    }

    /// <summary>Blocks until every task has ended or <paramref name="timeout"/> passes (null waits forever).</summary>
    /// <returns>Whether the result is ready.</returns>
    public bool Wait(TimeSpan? timeout = null)
    {
        var wait = Timeouts.Check(timeout);
        return Ready || _allDone.Wait(wait);
    }

    /// <summary>Waits until every task has ended or <paramref name="timeout"/> passes (null waits forever).</summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = Timeouts.Check(timeout);
        if (Ready) return true;
        try
        {
            await _allDone.WaitAsync(TimeSpan.FromMilliseconds(wait), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) and raises the tasks' error, if any.</summary>
    /// <exception cref="TimeoutException">The result is not ready within the timeout.</exception>
    public void Get(TimeSpan? timeout = null)
    {
        WaitOrThrow(timeout);
        ThrowIfFailed();
    }

    /// <summary>Whether this result's sends are tracked: it was made by a view with <c>Track</c> set.</summary>
    public bool Tracked => Messages.Count > 0 && Messages.All(m => m.Tracked);

    /// <summary>
    /// True once nothing reads the memory of the values this operation sent (ipyparallel's
    /// <c>ar.sent</c>): arrays sent without a copy may then be changed. Often long before
    /// <see cref="Ready"/>, when the tasks take time.
    /// </summary>
    /// <exception cref="InvalidOperationException">The view's <c>Track</c> flag was not set for this call.</exception>
    public bool Sent => SendTracker().IsCompleted;

    /// <summary>Waits until <see cref="Sent"/> (a failed send counts: it no longer reads either); false at the timeout.</summary>
    /// <exception cref="InvalidOperationException">The view's <c>Track</c> flag was not set for this call.</exception>
    public async Task<bool> WaitForSendAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var sent = SendTracker();
        var wait = Timeouts.Check(timeout);
        if (!sent.IsCompleted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(sent, Task.Delay(wait, stop.Token)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        return sent.IsCompleted;
    }

    /// <summary>Blocking form of <see cref="WaitForSendAsync"/>.</summary>
    public bool WaitForSend(TimeSpan? timeout = null) => WaitForSendAsync(timeout).GetAwaiter().GetResult();

    private Task SendTracker() => Tracked
        ? Messages.Count == 1 ? Messages[0].Sent : Task.WhenAll(Messages.Select(m => m.Sent))
        : throw new InvalidOperationException(
            "This result's sends are not tracked. Set Track on the view (view.With(track: true)) to learn when sent arrays may be changed.");

    /// <summary>
    /// Aborts this result's tasks: queued ones are removed from their engines, and running ones have
    /// their cancellation token cancelled (a function's <see cref="CancellationToken"/> parameter, a
    /// script's <c>CancellationToken</c>); both end as aborted. Waits up to <paramref name="grace"/>
    /// (default 1 s) for them to end, and reports any still running: a task that ignores its token
    /// runs on until it returns, or until <c>rc.InterruptAsync(engineId)</c> ends it the hard way.
    /// </summary>
    public async Task<AbortOutcome> AbortAsync(TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        return await _client.AbortAndWaitAsync(Messages, grace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A task that completes with the result (or its error).</summary>
    public async Task AsTask()
    {
        if (!Ready) await _allDone.ConfigureAwait(false);
        ThrowIfFailed();
    }

    /// <summary>Makes the result awaitable.</summary>
    public TaskAwaiter GetAwaiter() => AsTask().GetAwaiter();

    private protected void WaitOrThrow(TimeSpan? timeout)
    {
        if (!Wait(timeout))
            throw new TimeoutException($"Result not ready: {ProgressText} within {timeout}.");
    }

    private protected Task AllDone => _allDone;

    private protected void ThrowIfFailed()
    {
        if (ErrorsInPlace) return;
        if (_scalar)
        {
            if (ReplyErrors.Of(Messages[0]) is { } single) throw single;
            return;
        }
        var errors = Messages.Select(ReplyErrors.Of).OfType<Exception>().ToArray();
        if (errors.Length > 0) throw new CompositeException(errors);
    }

    private static TaskMetadata Describe(PendingMessage m)
    {
        var reply = m.Done;
        return new TaskMetadata(m.MsgId, m.EngineId, m.Submitted, reply?.Started, reply?.Completed, m.Received,
            reply?.Status ?? TaskStatus.Pending, reply?.Stdout ?? "", reply?.Stderr ?? "", ReplyErrors.Of(m), reply?.ExecuteResult, reply?.Timings);
    }
}
