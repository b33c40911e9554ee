using Orleans.Parallel.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Scheduling.Schemes;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Scheduling;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>
/// This silo's queue of load-balanced tasks: a silo service, so that the engines living on this silo
/// report to it and get their next task by a method call instead of a message (the hand-off that
/// a high-water mark of 1 pays for every task). Remote callers reach it through
/// <see cref="TaskQueueGrain"/>, its address in the cluster. The decisions are
/// <see cref="TaskQueue"/>'s, made under one lock; everything that talks goes outside it.
/// </summary>
public sealed partial class SiloTaskQueue : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly ILogger<SiloTaskQueue> _logger;
    private readonly Engine.ReplyOutbox _replies;
    private readonly Hub.TaskRecorder _recorder;
    private readonly TaskQueue _queue;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Dictionary<int, IEngineGrain> _engines = new();
    private long _directoryVersion = -1;
    private Guid _directoryEpoch; // a registry that lost its stored list starts a new epoch, with versions from 1 again
    private DateTime _lastRefresh;
    private int _started;

    public SiloTaskQueue(IGrainFactory grains, ILocalSiloDetails silo, IOptions<SchedulerOptions> options, Engine.ReplyOutbox replies, Hub.TaskRecorder recorder, Telemetry.ParallelMetrics metrics, ILogger<SiloTaskQueue> logger)
    {
        metrics.ObserveQueue(() => _queue?.WaitingCount ?? 0);
        _replies = replies;
        _recorder = recorder;
        var settings = options.Value;
        settings.Validate();
        _grains = grains;
        _logger = logger;
        _queue = new TaskQueue(SchedulingSchemes.Get(settings.Scheme), settings.HighWaterMark, new Random());
        Key = silo.SiloAddress.ToParsableString();
    }

    /// <summary>The queue's key in the cluster: this silo's address.</summary>
    public string Key { get; }

    /// <summary>This queue's life: a client that finds another epoch under <see cref="Key"/> knows its tasks were lost.</summary>
    public Guid Epoch { get; } = Guid.NewGuid();

    public async Task SubmitAsync(BalancedBatch batch)
    {
        await StartAsync();
        var now = DateTime.UtcNow;
        var unknownTarget = false;
        foreach (var task in batch.Tasks) _recorder.Submitted(task, batch.SessionId); // outside the lock; a re-sent task's record merges
        lock (_gate)
        {
            foreach (var task in batch.Tasks)
            {
                if (_queue.Knows(task.MsgId)) continue; // re-sent by a client that thought it lost
                _queue.Add(new WaitingTask(task, batch.SessionId, batch.Observer, now + task.Placement.Timeout));
                unknownTarget |= task.Placement.Targets?.Any(t => !_engines.ContainsKey(t)) == true;
            }
        }
        // An engine may have registered since the last refresh; a task must not fail for naming it.
        if (unknownTarget) await RefreshEnginesAsync();
        Pump(-1, 0, []);
    }

    /// <summary>An engine reports; the answer is its next tasks (at most <see cref="EngineReport.Free"/>).</summary>
    public IReadOnlyList<BalancedAssignment> Report(EngineReport report)
    {
        var ended = new List<TaskQueue.Ending>();
        List<BalancedFailure>? unknown = null;
        lock (_gate)
        {
            foreach (var failure in report.Failed)
                if (!_queue.Knows(failure.Reply.MsgId)) (unknown ??= []).Add(failure);
            _queue.Report(report, ended, DateTime.UtcNow);
        }
        // A task this queue never held (it was lost and re-sent elsewhere): its client still gets the failure.
        if (unknown is not null)
            foreach (var failure in unknown) _ = ReplyAsync(failure.Observer, failure.Reply);
        return Pump(report.EngineId, report.Free, ended);
    }

    public int Abort(IReadOnlyList<Guid> msgIds)
    {
        var ended = new List<TaskQueue.Ending>();
        Dictionary<int, List<Guid>> atEngines;
        lock (_gate) atEngines = _queue.Abort(msgIds, ended, DateTime.UtcNow);
        var count = ended.Count;
        End(ended);
        foreach (var (engine, ids) in atEngines)
            if (_engines.TryGetValue(engine, out var grain)) _ = AbortAtEngineAsync(grain, ids);
        return count;
    }

    public IReadOnlyList<Guid> Waiting()
    {
        lock (_gate) return _queue.Waiting.ToArray();
    }

    /// <summary>
    /// Assigns what can be assigned: tasks for <paramref name="reporting"/> are returned (the engine
    /// takes them with its report's answer), the others are offered to their engines.
    /// </summary>
    private List<BalancedAssignment> Pump(int reporting, int reportingFree, List<TaskQueue.Ending> ended)
    {
        List<TaskQueue.Assignment> assigned;
        lock (_gate) assigned = _queue.Assign(reporting, reportingFree, ended, DateTime.UtcNow);
        End(ended);
        // A loop, not GroupBy: this runs once per task at load-balanced rates, and nearly always
        // assigns to the reporting engine alone.
        var forReporter = new List<BalancedAssignment>(assigned.Count);
        Dictionary<int, List<WaitingTask>>? offers = null;
        foreach (var assignment in assigned)
        {
            if (assignment.Engine == reporting)
            {
                forReporter.Add(ToEngine(assignment.Task));
                continue;
            }
            offers ??= [];
            if (!offers.TryGetValue(assignment.Engine, out var tasks)) offers[assignment.Engine] = tasks = [];
            tasks.Add(assignment.Task);
        }
        if (offers is not null)
            foreach (var (engine, tasks) in offers) _ = OfferAsync(engine, tasks);
        return forReporter;
    }

    private static BalancedAssignment ToEngine(WaitingTask task)
    {
        // The task's wait in this queue, from its submit until now that an engine takes it.
        using (ParallelTelemetry.StartChild(ParallelTelemetry.ScheduleSpan, task.Task.TraceParent, task.MsgId, startTime: task.Task.Submitted)) { }
        return new(new EngineTask(task.MsgId, task.Session, task.Task.Submitted, task.Task.Request, -1, TraceParent: task.Task.TraceParent),
            task.Observer, task.ReportsFailure, task.Task.Placement.Require);
    }

    private async Task OfferAsync(int engine, List<WaitingTask> tasks)
    {
        int taken;
        try
        {
            taken = _engines.TryGetValue(engine, out var grain)
                ? await grain.TakeAsync(tasks.Select(ToEngine).ToArray(), Key, _queue.HighWaterMark)
                : 0;
        }
        catch (Exception e)
        {
            // The engine stopped or cannot be reached: it counts as full until the engine list says more.
            LogOfferFailed(_logger, e, engine);
            taken = 0;
            Volatile.Write(ref _directoryVersion, -1);
        }
        lock (_gate)
        {
            _queue.Accepted(engine, tasks.Take(taken));
            if (taken == tasks.Count) return;
            _queue.Refused(engine, tasks.GetRange(taken, tasks.Count - taken));
        }
        Pump(-1, 0, []);
    }

    private async Task AbortAtEngineAsync(IEngineGrain engine, List<Guid> ids)
    {
        try { await engine.AbortAsync(ids); }
        catch (Exception e) { LogAbortFailed(_logger, e, ids.Count); }
    }

    private void End(List<TaskQueue.Ending> ended)
    {
        foreach (var (task, reply) in ended) _ = ReplyAsync(task.Observer, reply);
        ended.Clear();
    }

    private async Task ReplyAsync(ITaskObserver observer, TaskReply reply)
    {
        try { await _replies.SendAsync(observer, reply); }
        catch (Exception e) { LogReplyFailed(_logger, e, reply.MsgId); }
    }

    /// <summary>Reads the engine list and starts the timer, once, on first use.</summary>
    private async Task StartAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        await RefreshEnginesAsync();
        _ = Task.Run(TickAsync);
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = DateTime.UtcNow;
                var ended = new List<TaskQueue.Ending>();
                lock (_gate) _queue.Expire(now, ended);
                End(ended);
                if (now - _lastRefresh < RefreshEvery) continue;
                await RefreshEnginesAsync();
                lock (_gate)
                {
                    if (_queue.WaitingCount == 0) continue;
                    // Engines tell a queue they turned away when they have room again; this catches a lost message.
                    _queue.ForgetFull();
                }
                Pump(-1, 0, []);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task RefreshEnginesAsync()
    {
        _lastRefresh = DateTime.UtcNow;
        EngineDirectory directory;
        try { directory = await _grains.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync(); }
        catch (Exception e)
        {
            if (!_stop.IsCancellationRequested) LogRefreshFailed(_logger, e);
            return;
        }
        if (directory.Version == Volatile.Read(ref _directoryVersion) && directory.Epoch == _directoryEpoch) return;
        var engines = directory.Engines.ToDictionary(e => e.EngineId, e => _grains.GetGrain<IEngineGrain>(e.Incarnation));
        var ended = new List<TaskQueue.Ending>();
        lock (_gate)
        {
            _directoryVersion = directory.Version;
            _directoryEpoch = directory.Epoch;
            _engines = engines;
            _queue.SetEngines(engines.Keys, ended, DateTime.UtcNow);
        }
        Pump(-1, 0, ended);
    }

    /// <summary>The timer stops as the silo starts to stop: the registry it reads is going away.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloTaskQueue), ServiceLifecycleStage.Active, _ => Task.CompletedTask, _ => _stop.CancelAsync());

    public void Dispose() => _stop.Cancel();
}
