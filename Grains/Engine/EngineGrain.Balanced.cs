using Orleans.Parallel.Engine;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// The engine's side of load balancing. Task queues offer tasks; the engine is the one that knows
/// how many load-balanced tasks it holds from all queues together, so it decides whether it takes
/// them (up to the high-water mark). When a task ends it reports to its queue, and the answer
/// carries the next tasks: one round trip per task between engine and queue.
/// </summary>
public sealed partial class EngineGrain
{
    /// <summary>With no high-water mark, how many tasks an engine asks for in one report.</summary>
    private const int UnlimitedAsk = 64;

    private int _balanced;
    private int _highWaterMark = 1;
    private readonly HashSet<string> _turnedAway = [];
    private readonly Dictionary<string, (List<Guid> Done, List<BalancedFailure> Failed)> _reports = new();
    private bool _reporting;
    private readonly Dictionary<string, ITaskQueueGrain> _queues = new();

    public Task<int> TakeAsync(IReadOnlyList<BalancedAssignment> tasks, string queue, int highWaterMark)
    {
        ThrowIfNotRunning();
        _highWaterMark = highWaterMark;
        int taken;
        lock (_gate)
        {
            taken = Math.Min(tasks.Count, FreeSlots);
            _balanced += taken;
        }
        if (taken > 0) Enqueue(Queued(tasks, taken, queue));
        if (taken < tasks.Count)
        {
            _turnedAway.Add(queue);
            StartReporting();
        }
        return Task.FromResult(taken);
    }

    /// <summary>Room for more load-balanced tasks (read under <see cref="_gate"/>).</summary>
    private int FreeSlots => _highWaterMark == 0 ? int.MaxValue : Math.Max(0, _highWaterMark - _balanced);

    private static List<QueuedTask> Queued(IReadOnlyList<BalancedAssignment> tasks, int count, string queue)
    {
        var ready = new List<QueuedTask>(count);
        for (var i = 0; i < count; i++)
        {
            var assignment = tasks[i];
            ready.Add(new QueuedTask(assignment.Task, assignment.Observer)
            {
                InlineReply = null,
                Balanced = new BalancedOrigin(queue, assignment.ReportFailure, assignment.Require),
            });
        }
        return ready;
    }

    /// <summary>Whether a failed task goes back to its queue (to be retried elsewhere, or to skip an engine that lacks what it requires).</summary>
    private static bool GoesBackToQueue(BalancedOrigin origin, TaskReply reply) =>
        reply.Status == TaskStatus.Error
        && (origin.ReportFailure || reply.Error?.ExceptionType is SchedulerErrors.Unmet or SchedulerErrors.NotStarted);

    /// <summary>
    /// A load-balanced task ended: its client gets the reply (unless its queue is to retry it) and
    /// its queue a report.
    /// </summary>
    private void CompleteBalanced(QueuedTask queued, BalancedOrigin origin, TaskReply reply, bool ranHere)
    {
        lock (_gate) _balanced--;
        var failed = GoesBackToQueue(origin, reply);
        if (!failed) _ = ReportAsync(queued.Observer, reply);
        if (ranHere && origin.Queue == localQueue.Key && !_stopped
            && ReportLocally(failed ? [] : [reply.MsgId], failed ? [new BalancedFailure(reply, queued.Observer)] : [], onEngineThread: false))
        {
            StartReportingIfRoom(); // other silos' queues wait to hear there is room
            return;
        }
        if (!_reports.TryGetValue(origin.Queue, out var report)) _reports[origin.Queue] = report = ([], []);
        if (failed) report.Failed.Add(new BalancedFailure(reply, queued.Observer));
        else report.Done.Add(reply.MsgId);
        StartReporting();
    }

    /// <summary>
    /// Reports a task that just ran to this silo's queue by method call; the answer, its next tasks,
    /// is queued at once. False if the report failed (it then goes the asynchronous way, with retries).
    /// </summary>
    /// <param name="done">Tasks that ended for good.</param>
    /// <param name="failed">Tasks that go back to the queue.</param>
    /// <param name="onEngineThread">
    /// Called from the engine thread between two tasks (<see cref="RunHere"/>): the next tasks are
    /// only queued, for the engine thread to take; the turn-bound bookkeeping waits for the drain loop.
    /// </param>
    private bool ReportLocally(List<Guid> done, List<BalancedFailure> failed, bool onEngineThread)
    {
        var queue = localQueue.Key;
        if (!onEngineThread) _turnedAway.Remove(queue);
        int free;
        lock (_gate)
        {
            // Reserved until the answer is in, as for any report: an offer meanwhile must not overfill the engine.
            free = _highWaterMark == 0 ? UnlimitedAsk : FreeSlots;
            _balanced += free;
        }
        IReadOnlyList<BalancedAssignment> next = [];
        try
        {
            next = localQueue.Report(new EngineReport(_engineId, done, failed, free));
        }
        catch (Exception e)
        {
            LogQueueReportFailed(logger, e, queue, 0);
            return false;
        }
        finally
        {
            lock (_gate) _balanced += next.Count - free;
        }
        if (next.Count == 0) return true;
        var ready = Queued(next, next.Count, queue);
        if (onEngineThread)
            lock (_gate) foreach (var task in ready) _queue.Enqueue(task);
        else Enqueue(ready);
        return true;
    }

    private bool HasRoom()
    {
        lock (_gate) return FreeSlots > 0;
    }

    private void StartReportingIfRoom()
    {
        if (_turnedAway.Count > 0 && HasRoom()) StartReporting();
    }

    private void StartReporting()
    {
        if (_reporting || _stopped) return;
        _reporting = true;
        _ = ReportToQueuesAsync();
    }

    /// <summary>
    /// Sends the reports (tasks ended in the same turn go together), then tells queues it turned away
    /// that it has room again. Each report reserves the free slots it offers until its answer is in.
    /// </summary>
    private async Task ReportToQueuesAsync()
    {
        try
        {
            await Task.Yield();
            while (!_stopped)
            {
                string queue;
                List<Guid> done = [];
                List<BalancedFailure> failed = [];
                if (_reports.Count > 0)
                {
                    (queue, (done, failed)) = _reports.First();
                    _reports.Remove(queue);
                    _turnedAway.Remove(queue);
                }
                else if (_turnedAway.Count > 0 && HasRoom())
                {
                    queue = _turnedAway.First();
                    _turnedAway.Remove(queue);
                }
                else break;
                int free;
                lock (_gate)
                {
                    free = _highWaterMark == 0 ? UnlimitedAsk : FreeSlots;
                    if (_highWaterMark > 0) _balanced += free;
                }
                IReadOnlyList<BalancedAssignment> next = [];
                try
                {
                    next = await SendReportAsync(queue, new EngineReport(_engineId, done, failed, free));
                }
                finally
                {
                    if (_highWaterMark > 0) lock (_gate) _balanced -= free;
                }
                if (!_stopped && next.Count > 0)
                {
                    lock (_gate) _balanced += next.Count;
                    Enqueue(Queued(next, next.Count, queue));
                }
            }
        }
        finally
        {
            _reporting = false;
        }
    }

    /// <summary>Reports to a queue, trying again a few times: a lost report would leave the queue thinking this engine busy.</summary>
    private async Task<IReadOnlyList<BalancedAssignment>> SendReportAsync(string queue, EngineReport report)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // This silo's queue answers by method call: no message for the hand-off of every task.
                if (queue == localQueue.Key) return localQueue.Report(report);
                if (!_queues.TryGetValue(queue, out var grain)) _queues[queue] = grain = GrainFactory.GetGrain<ITaskQueueGrain>(queue);
                return await grain.ReportAsync(report);
            }
            catch (Exception e) when (attempt < 3)
            {
                LogQueueReportFailed(logger, e, queue, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception e)
            {
                // The queue cannot decide about these failures any more: their clients get them as they are.
                LogQueueReportFailed(logger, e, queue, attempt);
                foreach (var failure in report.Failed) _ = ReportAsync(failure.Observer, failure.Reply);
                return [];
            }
        }
    }
}
