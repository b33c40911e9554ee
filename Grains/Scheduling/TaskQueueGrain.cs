using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Scheduling.Schemes;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>
/// One silo's task queue. The decisions are <see cref="TaskQueue"/>'s; this grain does the talking:
/// offers tasks to engines, answers engines' reports with their next tasks, sends the replies of
/// tasks that end here, and keeps the engine list current. Reentrant: every decision is made
/// within one turn, so interleaving only lets offers and reports overlap.
/// </summary>
[Reentrant, KeepAlive, Orleans.Placement.PreferLocalPlacement]
public sealed partial class TaskQueueGrain(IOptions<SchedulerOptions> options, ILogger<TaskQueueGrain> logger) : Grain, ITaskQueueGrain
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(1);

    private readonly Guid _epoch = Guid.NewGuid();
    private TaskQueue _queue = null!;
    private Dictionary<int, IEngineGrain> _engines = new();
    private long _directoryVersion = -1;
    private DateTime _lastRefresh;
    private IGrainTimer? _timer;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        settings.Validate();
        _queue = new TaskQueue(SchedulingSchemes.Get(settings.Scheme), settings.HighWaterMark, new Random());
        await RefreshEnginesAsync();
        _timer = this.RegisterGrainTimer(OnTickAsync, Tick, Tick);
    }

    public async Task<Guid> SubmitAsync(BalancedBatch batch)
    {
        var now = DateTime.UtcNow;
        var unknownTarget = false;
        foreach (var task in batch.Tasks)
        {
            if (_queue.Knows(task.MsgId)) continue; // a client re-sending what this activation already holds
            _queue.Add(new WaitingTask(task, batch.SessionId, batch.Observer, now + task.Placement.Timeout));
            unknownTarget |= task.Placement.Targets?.Any(t => !_engines.ContainsKey(t)) == true;
        }
        // An engine may have registered since the last refresh; a task must not fail for naming it.
        if (unknownTarget) await RefreshEnginesAsync();
        Pump(-1, 0);
        return _epoch;
    }

    public Task<IReadOnlyList<BalancedAssignment>> ReportAsync(EngineReport report)
    {
        var now = DateTime.UtcNow;
        var ended = new List<TaskQueue.Ending>();
        _queue.Report(report, ended, now);
        foreach (var failure in report.Failed.Where(f => !_queue.Knows(f.Reply.MsgId) && ended.All(e => e.Task.MsgId != f.Reply.MsgId)))
        {
            // A task this activation never held (it was lost and re-created): the client still gets its failure.
            _ = ReplyAsync(failure.Observer, failure.Reply);
        }
        var forReporter = Pump(report.EngineId, report.Free, ended);
        return Task.FromResult<IReadOnlyList<BalancedAssignment>>(forReporter);
    }

    public Task<int> AbortAsync(IReadOnlyList<Guid> msgIds)
    {
        var ended = new List<TaskQueue.Ending>();
        var atEngines = _queue.Abort(msgIds, ended, DateTime.UtcNow);
        End(ended);
        foreach (var (engine, ids) in atEngines)
            if (_engines.TryGetValue(engine, out var grain)) _ = AbortAtEngineAsync(grain, ids);
        return Task.FromResult(ended.Count);
    }

    public Task<Guid> EpochAsync() => Task.FromResult(_epoch);

    public Task<IReadOnlyList<Guid>> WaitingAsync() => Task.FromResult<IReadOnlyList<Guid>>(_queue.Waiting.ToArray());

    /// <summary>
    /// Assigns what can be assigned: tasks for <paramref name="reporting"/> are returned (the engine
    /// takes them with its report's answer), the others are offered to their engines.
    /// </summary>
    private List<BalancedAssignment> Pump(int reporting, int reportingFree, List<TaskQueue.Ending>? ended = null)
    {
        ended ??= [];
        var assigned = _queue.Assign(reporting, reportingFree, ended, DateTime.UtcNow);
        End(ended);
        var forReporter = new List<BalancedAssignment>();
        foreach (var group in assigned.GroupBy(a => a.Engine))
        {
            if (group.Key == reporting) forReporter.AddRange(group.Select(a => ToEngine(a.Task)));
            else _ = OfferAsync(group.Key, group.Select(a => a.Task).ToList());
        }
        return forReporter;
    }

    private static BalancedAssignment ToEngine(WaitingTask task) =>
        new(new EngineTask(task.MsgId, task.Session, task.Task.Submitted, task.Task.Request, -1),
            task.Observer, task.ReportsFailure, task.Task.Placement.Require);

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
            // The engine stopped or cannot be reached: it is treated as full until the engine list says more.
            LogOfferFailed(logger, e, engine);
            taken = 0;
            _directoryVersion = -1;
        }
        if (taken == tasks.Count) return;
        _queue.Refused(engine, tasks.GetRange(taken, tasks.Count - taken));
        Pump(-1, 0);
    }

    private async Task AbortAtEngineAsync(IEngineGrain engine, List<Guid> ids)
    {
        try { await engine.AbortAsync(ids); }
        catch (Exception e) { LogAbortFailed(logger, e, ids.Count); }
    }

    private void End(List<TaskQueue.Ending> ended)
    {
        foreach (var (task, reply) in ended) _ = ReplyAsync(task.Observer, reply);
        ended.Clear();
    }

    private async Task ReplyAsync(ITaskObserver observer, TaskReply reply)
    {
        try { await ReplyDelivery.SendAsync(observer, reply); }
        catch (Exception e) { LogReplyFailed(logger, e, reply.MsgId); }
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var ended = new List<TaskQueue.Ending>();
        _queue.Expire(now, ended);
        End(ended);
        if (now - _lastRefresh < RefreshEvery) return;
        await RefreshEnginesAsync();
        if (_queue.WaitingCount == 0) return;
        // Engines tell a queue they turned away when they have room again; this catches a lost message.
        _queue.ForgetFull();
        Pump(-1, 0);
    }

    private async Task RefreshEnginesAsync()
    {
        _lastRefresh = DateTime.UtcNow;
        EngineDirectory directory;
        try { directory = await GrainFactory.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync(); }
        catch (Exception e)
        {
            LogRefreshFailed(logger, e);
            return;
        }
        if (directory.Version == _directoryVersion) return;
        _directoryVersion = directory.Version;
        _engines = directory.Engines.ToDictionary(e => e.EngineId, e => GrainFactory.GetGrain<IEngineGrain>(e.Incarnation));
        var ended = new List<TaskQueue.Ending>();
        _queue.SetEngines(_engines.Keys, ended, DateTime.UtcNow);
        Pump(-1, 0, ended);
    }
}
