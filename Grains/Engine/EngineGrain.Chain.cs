using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// Load-balanced tasks back to back on the engine thread. A task from this silo's queue can be
/// finished where it ran: its reply goes to the silo's <see cref="ReplyOutbox"/>, its report to the
/// queue is a method call, and the next task the queue hands back starts at once. With a high-water
/// mark of 1 that saves two thread hand-offs per task (to the grain's turn and back), which were most
/// of what a tiny task cost. Anything else (a direct task at the head of the queue, a reply that
/// must go two-way, a result still being sent in bulk, code to fetch) goes back to the grain's
/// drain loop, which does what it always did.
/// </summary>
public sealed partial class EngineGrain
{
    /// <summary>
    /// What a run on the engine thread leaves to the drain loop: the last task and its reply, or nothing;
    /// for an isolated engine whose process ended, how it ended (the drain loop restarts the engine).
    /// </summary>
    private readonly record struct RunOutcome(QueuedTask? Last, TaskReply? Reply, Task? Sent, Isolation.Parent.ChildExit? Lost = null);

    /// <summary>Reports the engine thread could not make; the drain loop sends them the asynchronous way.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Queue, Guid? Done, BalancedFailure? Failed)> _lateReports = new();

    /// <summary>On the engine thread: runs <paramref name="first"/> and, while they can be finished here, the tasks after it.</summary>
    private RunOutcome RunHere(QueuedTask first, DateTime started)
    {
        var current = first;
        while (true)
        {
            var (reply, sent) = Execute(current, started);
            if (!TryFinishHere(current, reply, sent, flushLater: false)) return new RunOutcome(current, reply, sent);
            var next = NextHere();
            if (next is null) return default;
            current = next;
            started = DateTime.UtcNow;
        }
    }

    /// <summary>
    /// Finishes a task on the engine thread if nothing in it needs the grain's turn. With
    /// <paramref name="flushLater"/> its reply is only queued: the caller sends it with <see cref="ReplyOutbox.FlushQueued"/>.
    /// </summary>
    private bool TryFinishHere(QueuedTask queued, TaskReply reply, Task? sent, bool flushLater)
    {
        if (sent is not null || queued.Balanced is not { } origin || origin.Queue != localQueue.Key) return false;
        var failed = GoesBackToQueue(origin, reply);
        if (!failed && !ReplyDelivery.TravelsOneWay(reply)) return false;
        lock (_gate)
        {
            if (_stopped) return false;
            _running = null;
            _completed++;
            _balanced--;
        }
        if (!failed)
        {
            if (flushLater) replies.Queue(queued.Observer, reply);
            else replies.Send(queued.Observer, reply);
        }
        var failure = failed ? new BalancedFailure(reply, queued.Observer) : null;
        if (!ReportLocally(failed ? [] : [reply.MsgId], failure is null ? [] : [failure], onEngineThread: true))
            _lateReports.Enqueue((origin.Queue, failed ? null : reply.MsgId, failure));
        return true;
    }

    /// <summary>On the engine thread: the next task if it can run here too (it is next in line, from this silo's queue, with its code at hand).</summary>
    private QueuedTask? NextHere()
    {
        lock (_gate)
        {
            while (!_stopped && _queue.TryPeek(out var next))
            {
                if (next.Aborted)
                {
                    _queue.Dequeue();
                    continue;
                }
                // (An isolated engine's process fetches its code itself.)
                if (next.Balanced?.Queue != localQueue.Key
                    || (_child is null && !code.IsPrepared(next.Task.SessionId, CodeReferences.Of(next.Task.Request, next.Balanced.Require?.Predicate))))
                    return null;
                _queue.Dequeue();
                _running = next.Task.MsgId;
                return next;
            }
            return null;
        }
    }

    /// <summary>In the drain loop: sends the reports the engine thread could not, and tells turned-away queues there is room.</summary>
    private void FinishLateReports()
    {
        var any = false;
        while (_lateReports.TryDequeue(out var late))
        {
            if (!_reports.TryGetValue(late.Queue, out var report)) _reports[late.Queue] = report = ([], []);
            if (late.Failed is { } failure) report.Failed.Add(failure);
            else report.Done.Add(late.Done!.Value);
            any = true;
        }
        if (any) StartReporting();
        else StartReportingIfRoom();
    }
}
