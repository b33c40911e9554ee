using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Scheduling.Schemes;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>
/// The decisions of a task queue, without any I/O (ipyparallel's <c>TaskScheduler</c> logic): which
/// waiting task goes to which engine, which tasks end here and with what reply. Tasks are tried in
/// arrival order; one that no engine can take now does not hold back those behind it.
/// </summary>
internal sealed class TaskQueue(ISchedulingScheme scheme, int highWaterMark, Random random)
{
    private readonly LinkedList<WaitingTask> _waiting = new();
    private readonly Dictionary<Guid, LinkedListNode<WaitingTask>> _waitingById = new();
    private readonly Dictionary<Guid, (int Engine, WaitingTask Task)> _outstanding = new();
    private readonly HashSet<Guid> _offered = []; // outstanding, but the engine has not yet said it took them
    private readonly List<int> _lru = [];
    private readonly List<int> _candidates = [], _loads = []; // Assign's scratch lists
    private readonly Dictionary<int, int> _load = new();
    private readonly HashSet<int> _full = [];
    private int _deadlines;

    /// <summary>A task to hand to an engine.</summary>
    public readonly record struct Assignment(int Engine, WaitingTask Task);

    /// <summary>A task that ends in the queue, and the reply its client gets.</summary>
    public readonly record struct Ending(WaitingTask Task, TaskReply Reply);

    public int HighWaterMark => highWaterMark;

    /// <summary>Tasks waiting for an engine, in queue order.</summary>
    public IEnumerable<Guid> Waiting => _waiting.Select(t => t.MsgId);

    public int WaitingCount => _waiting.Count;

    /// <summary>Live engines, least recently used first.</summary>
    public IReadOnlyList<int> Engines => _lru;

    /// <summary>Tasks this queue handed to <paramref name="engine"/> that have not ended.</summary>
    public int LoadOf(int engine) => _load.GetValueOrDefault(engine);

    public bool Knows(Guid msgId) => _waitingById.ContainsKey(msgId) || _outstanding.ContainsKey(msgId);

    public void Add(WaitingTask task)
    {
        _waitingById[task.MsgId] = _waiting.AddLast(task);
        if (task.Deadline is not null) _deadlines++;
    }

    /// <summary>
    /// The live engines changed. New ones count as least recently used. Tasks held by engines that
    /// left are re-queued when they have retries left, else they end with an engine error. Tasks
    /// only offered to an engine that left (it never said it took them) go back to the queue
    /// without costing a retry: a task sent just after an engine died must not fail for it.
    /// </summary>
    public void SetEngines(IReadOnlyCollection<int> live, List<Ending> ended, DateTime now)
    {
        foreach (var gone in _lru.Where(e => !live.Contains(e)).ToArray())
        {
            _lru.Remove(gone);
            _load.Remove(gone);
            _full.Remove(gone);
            foreach (var (id, held) in _outstanding.Where(o => o.Value.Engine == gone).ToArray())
            {
                _outstanding.Remove(id);
                if (_offered.Remove(id))
                {
                    Requeue(held.Task);
                    continue;
                }
                held.Task.LostOn(gone);
                if (held.Task.RetriesLeft >= 0) Requeue(held.Task);
                else ended.Add(new(held.Task, Failure(held.Task, gone, SchedulerErrors.EngineGone,
                    $"The engine left the cluster while it held task {id}.", now)));
            }
        }
        foreach (var added in live.Where(e => !_load.ContainsKey(e)).OrderByDescending(e => e))
        {
            _lru.Insert(0, added);
            _load[added] = 0;
        }
    }

    /// <summary>
    /// Hands waiting tasks to engines with room. <paramref name="reporting"/> is an engine that has
    /// just said it takes <paramref name="reportingFree"/> more (its own count is the truth: it
    /// includes other queues' tasks); the others have room while this queue's load on them is under
    /// the high-water mark and they have not turned it away.
    /// </summary>
    public List<Assignment> Assign(int reporting, int reportingFree, List<Ending> ended, DateTime now)
    {
        var assigned = new List<Assignment>();
        if (reporting >= 0) _full.Remove(reporting);
        var withRoom = 0;
        foreach (var engine in _lru)
            if (Room(engine, reporting, reportingFree) > 0) withRoom++;
        // Kept between calls (the caller holds its lock): this runs once per task at load-balanced rates.
        var candidates = _candidates;
        var loads = _loads;
        for (var node = _waiting.First; node is not null && withRoom > 0;)
        {
            var next = node.Next;
            var task = node.Value;
            candidates.Clear();
            loads.Clear();
            var allowed = false;
            foreach (var engine in _lru)
            {
                if (!task.Allows(engine)) continue;
                allowed = true;
                if (Room(engine, reporting, reportingFree) <= 0) continue;
                candidates.Add(engine);
                loads.Add(_load[engine]);
            }
            if (candidates.Count > 0)
            {
                var engine = candidates[scheme.Choose(loads, random)];
                Remove(node);
                _outstanding[task.MsgId] = (engine, task);
                if (engine != reporting) _offered.Add(task.MsgId); // the reporting engine takes its own with the answer
                _load[engine]++;
                if (engine == reporting) reportingFree--;
                _lru.Remove(engine);
                _lru.Add(engine);
                if (Room(engine, reporting, reportingFree) <= 0) withRoom--;
                assigned.Add(new(engine, task));
            }
            else if (!allowed && _lru.Count > 0)
            {
                Remove(node);
                ended.Add(new(task, Unrunnable(task, now)));
            }
            node = next;
        }
        return assigned;
    }

    private int Room(int engine, int reporting, int reportingFree) =>
        engine == reporting ? reportingFree
        : _full.Contains(engine) ? 0
        : highWaterMark == 0 ? int.MaxValue
        : highWaterMark - _load[engine];

    /// <summary>The engine took these tasks it was offered: from now on it holds them.</summary>
    public void Accepted(int engine, IEnumerable<WaitingTask> tasks)
    {
        foreach (var task in tasks)
            if (Holds(engine, task.MsgId)) _offered.Remove(task.MsgId);
    }

    /// <summary>
    /// The engine took only part of an offer: the rest go back to the front, in order, and it counts
    /// as full. Tasks it no longer holds (its leaving re-queued them) are left where they are.
    /// </summary>
    public void Refused(int engine, IReadOnlyList<WaitingTask> tasks)
    {
        if (_load.ContainsKey(engine)) _full.Add(engine);
        for (var i = tasks.Count - 1; i >= 0; i--)
        {
            if (!Holds(engine, tasks[i].MsgId)) continue;
            _outstanding.Remove(tasks[i].MsgId);
            _offered.Remove(tasks[i].MsgId);
            if (_load.ContainsKey(engine)) _load[engine]--;
            _waitingById[tasks[i].MsgId] = _waiting.AddFirst(tasks[i]);
            if (tasks[i].Deadline is not null) _deadlines++;
        }
    }

    /// <summary>Engines that turned this queue away may have room again (they tell, but a lost message must not strand tasks).</summary>
    public void ForgetFull() => _full.Clear();

    /// <summary>An engine's report: finished tasks free their slots; failures are retried elsewhere or end with their last error.</summary>
    public void Report(EngineReport report, List<Ending> ended, DateTime now)
    {
        foreach (var id in report.Done) Finish(report.EngineId, id);
        foreach (var failure in report.Failed)
        {
            var reply = failure.Reply;
            if (!_outstanding.TryGetValue(reply.MsgId, out var held) || held.Engine != report.EngineId) continue;
            Finish(report.EngineId, reply.MsgId);
            var unmet = reply.Error?.ExceptionType == SchedulerErrors.Unmet;
            var notStarted = reply.Error?.ExceptionType == SchedulerErrors.NotStarted; // its engine was stopping
            held.Task.FailedOn(report.EngineId, reply, unmet, countsAsRetry: !unmet && !notStarted);
            if (unmet || notStarted || held.Task.RetriesLeft >= 0) Requeue(held.Task);
            else ended.Add(new(held.Task, reply));
        }
    }

    /// <summary>
    /// The engine is done with a task it holds. A report about a task another engine holds now (it was
    /// re-queued when this one seemed to leave) changes nothing.
    /// </summary>
    private void Finish(int engine, Guid msgId)
    {
        if (!Holds(engine, msgId)) return;
        _outstanding.Remove(msgId);
        _offered.Remove(msgId);
        if (_load.TryGetValue(engine, out var load)) _load[engine] = load - 1;
    }

    private bool Holds(int engine, Guid msgId) => _outstanding.TryGetValue(msgId, out var held) && held.Engine == engine;

    /// <summary>Re-run tasks go to the front: they were first in line already.</summary>
    private void Requeue(WaitingTask task)
    {
        _waitingById[task.MsgId] = _waiting.AddFirst(task);
        if (task.Deadline is not null) _deadlines++;
    }

    /// <summary>Ends waiting tasks whose deadline has passed.</summary>
    public void Expire(DateTime now, List<Ending> ended)
    {
        if (_deadlines == 0) return;
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            var task = node.Value;
            if (task.Deadline <= now)
            {
                Remove(node);
                ended.Add(new(task, Failure(task, -1, SchedulerErrors.Timeout,
                    $"Task {task.MsgId} waited longer than its timeout of {task.Task.Placement.Timeout} without an engine taking it.", now)));
            }
            node = next;
        }
    }

    /// <summary>Ends the waiting tasks among <paramref name="msgIds"/> as aborted; returns those an engine holds, by engine.</summary>
    public Dictionary<int, List<Guid>> Abort(IEnumerable<Guid> msgIds, List<Ending> ended, DateTime now)
    {
        var atEngines = new Dictionary<int, List<Guid>>();
        foreach (var id in msgIds)
        {
            if (_waitingById.TryGetValue(id, out var node))
            {
                Remove(node);
                ended.Add(new(node.Value, new TaskReply(id, -1, TaskStatus.Aborted, null, null, null, now, "", "", null)));
            }
            else if (_outstanding.TryGetValue(id, out var held))
            {
                if (!atEngines.TryGetValue(held.Engine, out var list)) atEngines[held.Engine] = list = [];
                list.Add(id);
            }
        }
        return atEngines;
    }

    private void Remove(LinkedListNode<WaitingTask> node)
    {
        _waiting.Remove(node);
        _waitingById.Remove(node.Value.MsgId);
        if (node.Value.Deadline is not null) _deadlines--;
    }

    /// <summary>Why no live engine may take the task: its last error, else an impossible dependency.</summary>
    private TaskReply Unrunnable(WaitingTask task, DateTime now)
    {
        if (task.LastFailure is { } last && !task.LastUnmet) return last;
        var why = task.LastUnmet
            ? $"no engine left meets the requirement of task {task.MsgId} (the last said: {task.LastFailure!.Error?.Message})"
            : task.Targets is { } targets
                ? $"none of the engines task {task.MsgId} may run on [{string.Join(", ", targets.Order())}] is live and untried"
                : $"every live engine has already failed task {task.MsgId}";
        return Failure(task, task.LastFailure?.EngineId ?? -1, SchedulerErrors.Impossible, $"Cannot run: {why}.", now);
    }

    private static TaskReply Failure(WaitingTask task, int engine, string kind, string message, DateTime now) =>
        new(task.MsgId, engine, TaskStatus.Error, null, new RemoteError(kind, message, "", []), null, now, "", "", null);
}
