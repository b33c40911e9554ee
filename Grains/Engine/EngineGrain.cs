using Orleans.Parallel.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Registry;
using Orleans.Placement;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// An engine: one namespace, one queue, one task at a time in arrival order. Grain turns only
/// queue, report and route; user code runs on the silo's engine threads (<see cref="EngineThreads"/>),
/// one task of this engine at a time, while the grain stays free to answer status and abort calls.
/// An idle engine holds no thread. An isolated engine (<see cref="EngineIsolation.Process"/>) runs
/// its tasks in a process it owns instead (<see cref="EngineGrain.RunIsolatedAsync"/>); everything
/// else here is the same for both.
/// </summary>
[PreferLocalPlacement, KeepAlive]
public sealed partial class EngineGrain(
    TaskExecutor executor,
    SessionCodeRegistry code,
    FunctionMaterializer functions,
    EngineThreads threads,
    BulkServer bulk,
    BulkOutbox outbox,
    Scheduling.SiloTaskQueue localQueue,
    ReplyOutbox replies,
    Hub.TaskRecorder recorder,
    Telemetry.ParallelMetrics metrics,
    OutputPublisher outputs,
    Registry.LocalEngines local,
    Orleans.Runtime.ILocalSiloDetails silo,
    Isolation.EngineProcesses processes,
    BulkValues wire,
    ILogger<EngineGrain> logger) : Grain, IEngineGrain
{
    /// <summary>How long a submission call waits to carry the reply itself before leaving it to the observer.</summary>
    private static readonly TimeSpan InlineReplyWait = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopping engine waits for its aborted tasks' replies to reach their clients.</summary>
    private static readonly TimeSpan StopDeliveryWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Guards what the engine thread also touches while it runs load-balanced tasks back to back:
    /// the queue, the running task, the counters and the drain flag.
    /// </summary>
    private readonly Lock _gate = new();
    private readonly Queue<QueuedTask> _queue = new();
    private readonly SubmissionOrder _order = new();
    private IGrainTimer? _gapTimer;
    private readonly EngineNamespace _namespace = new();
    private int _engineId = -1;
    private Guid? _running;
    // The task on the engine thread and what cancels it (abort of a running task); under _gate.
    private (Guid MsgId, CancellationTokenSource? Cancel, QueuedTask? Task) _current;
    private Guid? _cancelAtStart;
    private readonly EarlyAborts _earlyAborts = new(); // touched under _gate
    private long _completed;
    private bool _draining;
    private bool _stopped;

    public async Task<EngineEntry> StartAsync(string siloName, int engineId)
    {
        if (_engineId >= 0) throw new InvalidOperationException($"Incarnation {this.GetPrimaryKey()} already is engine {_engineId}.");
        ArgumentOutOfRangeException.ThrowIfNegative(engineId);
        OutputCapture.Install();
        await StartProcessAsync();
        var entry = new EngineEntry(engineId, this.GetPrimaryKey(), siloName, bulk.Endpoint, GrainContext.Address.SiloAddress!.ToParsableString());
        _engineId = engineId;
        local.Started(entry, this);
        LogStarted(logger, _engineId, siloName);
        return entry;
    }

    public async Task StopAsync()
    {
        if (_engineId < 0 || _stopped) return;
        _stopped = true;
        // Aborts first; the silo removes its stopped engines from the registry afterwards, all in one
        // change. A client that sees the engine leave fails what it still waits for from it with
        // EngineException, so the "aborted" replies must have reached it by then. They go as calls
        // that answer once delivered (a one-way reply or a submission call's answer could be
        // overtaken by the registry's news, which comes from another silo).
        var delivered = new List<Task>();
        AbortWaiting(_ => true, delivered);
        try { await Task.WhenAll(delivered).WaitAsync(StopDeliveryWait); }
        catch (Exception e) when (e is not OutOfMemoryException) { LogAbortDeliveryFailed(logger, e, _engineId, delivered.Count); }
        local.Stopped(_engineId, this.GetPrimaryKey());
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // However the activation goes, nothing it accepted may be left without a reply.
        var unexpected = !_stopped && _engineId >= 0;
        _stopped = true;
        if (_engineId >= 0) local.Stopped(_engineId, this.GetPrimaryKey());
        AbortWaiting(_ => true);
        _gapTimer?.Dispose();
        _child?.Dispose(); // an isolated engine's process goes with it
        if (!unexpected) return;
        // Deactivated without being stopped (Orleans decided, e.g. a directory failure): the namespace
        // is gone, so the engine leaves the registry rather than answer as an empty one under its id.
        LogLostActivation(logger, _engineId, reason.ToString());
        try { await GrainFactory.GetGrain<IEngineRegistryGrain>(0).UnregisterAsync([_engineId]).WaitAsync(cancellationToken); }
        catch (Exception e) when (e is not OutOfMemoryException) { LogUnregisterFailed(logger, e, _engineId); }
    }

    /// <summary>
    /// Ends queued and held tasks that match as aborted; returns how many. With <paramref name="delivered"/>,
    /// the direct tasks' replies go as two-way calls, added there to be awaited.
    /// </summary>
    private int AbortWaiting(Func<QueuedTask, bool> match, List<Task>? delivered = null, HashSet<Guid>? found = null)
    {
        var removed = new List<QueuedTask>();
        lock (_gate)
        {
            var kept = new Queue<QueuedTask>();
            while (_queue.TryDequeue(out var queued))
            {
                if (!match(queued)) kept.Enqueue(queued);
                else removed.Add(queued);
            }
            foreach (var item in kept) _queue.Enqueue(item);
        }
        var aborted = 0;
        foreach (var queued in removed)
        {
            found?.Add(queued.Task.MsgId);
            Complete(queued, Aborted(queued.Task), delivered: delivered);
            aborted++;
        }
        foreach (var held in _order.MarkAborted(match))
        {
            found?.Add(held.Task.MsgId);
            Complete(held, Aborted(held.Task), delivered: delivered);
            aborted++;
        }
        return aborted;
    }

    private void ThrowIfNotRunning()
    {
        if (_engineId < 0 || _stopped)
        {
            // Called under an incarnation whose silo died (or that stopped): this activation is not
            // that engine and never becomes it; it goes as soon as it is idle.
            if (_engineId < 0) DeactivateOnIdle();
            throw new InvalidOperationException(
                $"Engine incarnation {this.GetPrimaryKey()} is not running (it stopped, or its silo did); use an engine id from the client's Ids.");
        }
    }

    public async Task<TaskReply?> SubmitAsync(EngineTask task, ITaskObserver observer)
    {
        var queued = Accept(task, observer);
        var inline = queued.InlineReply!.Task;
        try
        {
            return await inline.WaitAsync(InlineReplyWait);
        }
        catch (TimeoutException)
        {
            return Detach(queued);
        }
    }

    /// <summary>Queues a submitted task (in its session's order); its reply completes <see cref="QueuedTask.InlineReply"/>.</summary>
    private QueuedTask Accept(EngineTask task, ITaskObserver observer)
    {
        ThrowIfNotRunning();
        recorder.Submitted(task, _engineId);
        var queued = new QueuedTask(task, observer);
        bool abortedEarly;
        lock (_gate) abortedEarly = _earlyAborts.Take(task.MsgId);
        var ready = _order.Arrive(queued, DateTime.UtcNow);
        if (abortedEarly)
        {
            // Its abort came first: it takes its place in the order (the tasks after it go on) and ends there.
            if (ready.Contains(queued)) Complete(queued, Aborted(task));
            else foreach (var held in _order.MarkAborted(q => q == queued)) Complete(held, Aborted(held.Task));
            ready = [.. ready.Where(q => q != queued)];
        }
        Enqueue(ready);
        if (_order.HasHeld) _gapTimer ??= this.RegisterGrainTimer(ReleaseOverdueAsync, SubmissionOrder.GapTimeout, TimeSpan.FromSeconds(1));
        return queued;
    }

    /// <summary>
    /// The submission stops waiting: the reply if it is here, else null, and from now on the reply
    /// goes to the observer. Runs in the grain's turn order, as the completion does, so no reply is lost between the two.
    /// </summary>
    private static TaskReply? Detach(QueuedTask queued)
    {
        if (queued.InlineReply?.Task is { IsCompletedSuccessfully: true } inline) return inline.Result;
        queued.InlineReply = null;
        return null;
    }

    public Task<EngineQueueStatus> QueueStatusAsync()
    {
        lock (_gate)
            return Task.FromResult(new EngineQueueStatus(_engineId,
                _queue.Concat(_order.Held).Where(q => !q.Aborted).Select(q => q.Task.MsgId).ToArray(), _running, _completed));
    }

    private void Enqueue(IReadOnlyList<QueuedTask> ready)
    {
        lock (_gate)
        {
            foreach (var task in ready) _queue.Enqueue(task);
            if (_queue.Count == 0 || _draining) return;
            _draining = true;
        }
        _ = DrainAsync();
    }

    private Task ReleaseOverdueAsync(CancellationToken cancellationToken)
    {
        Enqueue(_order.ReleaseOverdue(DateTime.UtcNow));
        if (!_order.HasHeld)
        {
            _gapTimer?.Dispose();
            _gapTimer = null;
        }
        return Task.CompletedTask;
    }

    public Task<int> AbortAsync(IReadOnlyList<Guid>? msgIds)
    {
        var abort = msgIds?.ToHashSet();
        var found = new HashSet<Guid>();
        var aborted = AbortWaiting(q => abort is null || abort.Contains(q.Task.MsgId), found: found);
        if (abort is null) return Task.FromResult(aborted); // "abort all" is ipyparallel's: the queue only
        CancellationTokenSource? running;
        lock (_gate)
        {
            running = _current.Cancel is { } cancel && abort.Contains(_current.MsgId) ? cancel : null;
            // Dequeued but not on the engine thread yet (its code still loading): cancelled as it starts.
            if (running is null && _running is { } next && abort.Contains(next)) _cancelAtStart = next;
            // Not here (yet): a task sent just before its abort may still be on its way.
            var now = DateTime.UtcNow;
            foreach (var id in abort)
                if (!found.Contains(id) && _current.MsgId != id && _running != id) _earlyAborts.Add(id, now);
        }
        if (running is null) return Task.FromResult(aborted);
        // The running task is cancelled through its token; it ends as aborted if it heeds it, or runs
        // on if it does not. Callbacks the user registered on the token run off the grain's thread.
        _ = Task.Run(() =>
        {
            try { running.Cancel(); }
            catch (ObjectDisposedException) { /* it ended meanwhile */ }
        });
        return Task.FromResult(aborted);
    }

    public Task EndSessionAsync(Guid sessionId)
    {
        // The session's client is gone: its waiting tasks would only reload the code being unloaded.
        AbortWaiting(q => q.Task.SessionId == sessionId);
        _order.Forget(sessionId);
        functions.ForgetSession(sessionId); // first: it asks the registry which types were the session's
        code.EndSession(sessionId);
        _child?.EndSession(sessionId);
        outbox.EndSession(sessionId);
        return Task.CompletedTask;
    }

    /// <summary>Runs queued tasks one after another; a grain-context loop that is not itself a request.</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (TryDequeue(out var next))
            {
                var (last, reply, sent, lost) = await RunAsync(next);
                if (lost is not null)
                {
                    await LoseProcessAsync(lost);
                    continue;
                }
                FinishLateReports();
                if (last is null) continue; // the engine thread finished every task it ran
                lock (_gate)
                {
                    _running = null;
                    _completed++;
                }
                Complete(last, reply!, ranHere: true);
                // A result array offered in bulk may be a namespace variable, sent from the engine's
                // own memory: the next task must not change it while the client still reads it. (An
                // isolated engine's results are the silo's copies: its next task may start at once.)
                if (sent is not null && _child is null) await sent.WaitAsync(BulkOutbox.Lifetime).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            }
        }
        finally
        {
            // Only this activation's turns add to an idle queue, and they start a drain when none runs.
            lock (_gate) _draining = false;
        }
    }

    /// <summary>The next task to run (skipping aborted ones), marked as running; false when there is none.</summary>
    private bool TryDequeue(out QueuedTask next)
    {
        lock (_gate)
        {
            while (!_stopped && _queue.TryDequeue(out next!))
            {
                if (next.Aborted) continue;
                _running = next.Task.MsgId;
                return true;
            }
            next = null!;
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="queued"/> on the engine thread, which may go on to further load-balanced
    /// tasks of this silo's queue (see <see cref="RunHere"/>). Returns the task left for this turn to
    /// finish (null when the engine thread finished them all).
    /// </summary>
    private async Task<RunOutcome> RunAsync(QueuedTask queued)
    {
        var task = queued.Task;
        var require = queued.Balanced?.Require;
        var started = DateTime.UtcNow;
        if (_child is { } child) return await RunIsolatedAsync(queued, child, started);
        try
        {
            await code.PrepareAsync(task.SessionId, CodeReferences.Of(task.Request, require?.Predicate));
        }
        catch (Exception e)
        {
            return new RunOutcome(queued, Failed(task, started, e, "", ""), null);
        }
        if (_stopped)
            return new RunOutcome(queued, new TaskReply(task.MsgId, _engineId, TaskStatus.Error, null,
                new RemoteError(Orleans.Parallel.Scheduling.SchedulerErrors.NotStarted, $"Engine {_engineId} stopped before task {task.MsgId} could run.", "", []),
                null, DateTime.UtcNow, "", "", null), null);
        return await threads.RunAsync(() => RunHere(queued, started));
    }

    /// <summary>Runs one task on the engine thread: its requirement, then the request, with its output captured (and streamed while it runs).</summary>
    private (TaskReply Reply, Task? Sent) Execute(QueuedTask queued, DateTime started)
    {
        using var run = BeginRun(queued, started);
        (TaskReply Reply, Task? Sent) ended;
        try
        {
            using (OutputCapture.Begin(run.Output)) ended = Run(queued, started, run.Output, run.Cancel.Token);
        }
        finally
        {
            EndRunning();
        }
        return EndRun(run, ended);
    }

    /// <summary>What a running task holds: its output, what cancels it, its tracing span.</summary>
    private sealed record RunScope(TaskOutput Output, CancellationTokenSource Cancel, System.Diagnostics.Activity? Span) : IDisposable
    {
        public void Dispose()
        {
            Cancel.Dispose();
            Span?.Dispose();
        }
    }

    /// <summary>A task starts: recorded, counted, traced, its output captured, and it becomes the one an abort cancels.</summary>
    private RunScope BeginRun(QueuedTask queued, DateTime started)
    {
        var task = queued.Task;
        recorder.Started(task.MsgId, _engineId, started);
        metrics.EngineBusy();
        var span = ParallelTelemetry.StartChild(ParallelTelemetry.RunSpan, task.TraceParent, task.MsgId);
        span?.SetTag(ParallelTelemetry.EngineIdTag, _engineId);
        var run = new RunScope(outputs.Begin(task.MsgId, task.SessionId, _engineId), new CancellationTokenSource(), span);
        lock (_gate)
        {
            _current = (task.MsgId, run.Cancel, queued);
            if (_cancelAtStart == task.MsgId) run.Cancel.Cancel(); // aborted between its dequeue and now
            _cancelAtStart = null;
        }
        return run;
    }

    /// <summary>No task runs any more (an abort finds nothing to cancel).</summary>
    private void EndRunning()
    {
        lock (_gate) _current = default;
        metrics.EngineIdle();
    }

    /// <summary>The task ended: its span says how, and its reply counts the output chunks streamed live.</summary>
    private (TaskReply Reply, Task? Sent) EndRun(RunScope run, (TaskReply Reply, Task? Sent) ended)
    {
        run.Span?.SetTag(ParallelTelemetry.StatusTag, ended.Reply.Status.ToString().ToLowerInvariant());
        if (ended.Reply.Status == TaskStatus.Error) run.Span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ended.Reply.Error?.Message);
        var streamed = outputs.End(run.Output);
        return streamed == 0 ? ended : (ended.Reply with { Streamed = streamed }, ended.Sent);
    }

    private (TaskReply Reply, Task? Sent) Run(QueuedTask queued, DateTime started, TaskOutput output, CancellationToken cancellationToken) =>
        TaskRun.Run(executor, functions, queued.Task, queued.Balanced?.Require, _namespace, _engineId, started, output, cancellationToken);

    private TaskReply Failed(EngineTask task, DateTime started, Exception e, string stdout, string stderr) =>
        TaskRun.Failed(task, _engineId, started, e, stdout, stderr);

    private TaskReply Aborted(EngineTask task) =>
        new(task.MsgId, _engineId, TaskStatus.Aborted, null, null, null, DateTime.UtcNow, "", "", null);

    /// <summary>
    /// Hands the reply to the submission call still waiting for it, or else sends it to the observer
    /// without holding up the queue.
    /// </summary>
    /// <param name="queued">The task.</param>
    /// <param name="reply">How it ended.</param>
    /// <param name="ranHere">The task ran (the drain loop ends it), rather than being aborted while waiting.</param>
    /// <param name="delivered">When set, a direct task's reply goes by a two-way call to the observer, added here.</param>
    private void Complete(QueuedTask queued, TaskReply reply, bool ranHere = false, List<Task>? delivered = null)
    {
        if (queued.Interrupted) return; // ended when its engine was interrupted; its thread came back late
        if (queued.Balanced is { } origin) CompleteBalanced(queued, origin, reply, ranHere);
        else if (delivered is not null)
        {
            queued.InlineReply?.TrySetResult(null); // the submission call returns; the reply follows
            queued.InlineReply = null;
            recorder.Ended(reply);
            delivered.Add(ReplyOutbox.DeliverAsync(queued.Observer, reply));
        }
        else if (queued.InlineReply is { } inline)
        {
            recorder.Ended(reply); // the one reply that leaves the silo without the outbox: as the call's answer
            inline.TrySetResult(reply);
        }
        else _ = ReportAsync(queued.Observer, reply);
    }

    private Task ReportAsync(ITaskObserver observer, TaskReply reply) =>
        ReplyOutbox.SendOrReportAsync(observer, reply, () => replies.SendAsync(observer, reply), logger);
}
