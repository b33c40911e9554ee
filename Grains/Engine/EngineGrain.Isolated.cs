using Microsoft.Extensions.Logging;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Isolation.Parent;
using Orleans.Parallel.Grains.Isolation.Protocol;
using Orleans.Parallel.Registry;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// Isolated engines (<see cref="EngineIsolation.Process"/>): the grain keeps the engine's identity,
/// queue, order, records and replies, and runs each task in a process it owns, where the namespace
/// lives. When that process ends unasked (the task called <c>Environment.Exit</c>, overflowed its
/// stack, or the kernel killed it) the running task fails saying how, and the engine restarts under
/// the same id with a new process and an empty namespace, as an interrupted engine does.
/// </summary>
public sealed partial class EngineGrain
{
    private ChildProcess? _child;

    /// <summary>Takes a process for this engine, when the silo's engines are isolated.</summary>
    private async Task StartProcessAsync()
    {
        if (!processes.Enabled) return;
        var child = await processes.TakeAsync();
        _child = child;
        _ = child.Exited.ContinueWith(ended =>
        {
            if (ended.Result.ByParent) return;
            // Back in this activation's turn order, where an interrupt would run (the drain loop may
            // have restarted the engine already, if a task was running).
            _ = InTurn(() => _child == child ? LoseProcessAsync(ended.Result) : Task.CompletedTask);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Runs <paramref name="first"/> in the engine's process and, as the engine thread does for an
    /// in-process engine (<see cref="RunHere"/>), the load-balanced tasks after it that can be finished
    /// without the grain's turn: after the first reply this continues on the thread that read it, so a
    /// stream of small tasks costs no hand-off to the grain and back. What needs the turn goes back to
    /// the drain loop, which finishes it as any other.
    /// </summary>
    /// <remarks>
    /// Leaving the grain's turn on purpose (ORLEANS0014): from the first reply on, this runs where an
    /// in-process engine's thread would, touching only what that thread touches (under <c>_gate</c>, or
    /// the silo's thread-safe recorder, outbox, queue and publisher). The drain loop that awaits it is
    /// back in the turn.
    /// </remarks>
#pragma warning disable ORLEANS0014
    private async Task<RunOutcome> RunIsolatedAsync(QueuedTask first, ChildProcess child, DateTime started)
    {
        var current = first;
        var running = RunInProcessAsync(current, child, started);
        while (true)
        {
            var (reply, sent, lost) = await running.ConfigureAwait(false);
            if (lost is not null) return new RunOutcome(current, null, null, lost);
            if (!TryFinishHere(current, reply!, sent, flushLater: true)) return new RunOutcome(current, reply, sent); // (nothing queued)
            var next = NextHere();
            if (next is not null)
            {
                current = next;
                running = RunInProcessAsync(current, child, DateTime.UtcNow); // in the process by now
            }
            // The reply just queued (with any other engine's) leaves while the process runs the next task.
            replies.FlushQueued();
            if (next is null) return default;
        }
    }

    /// <summary>One task in the engine's process: its reply, or how the process ended (the task is still the running one then).</summary>
    private async Task<(TaskReply? Reply, Task? Sent, ChildExit? Lost)> RunInProcessAsync(QueuedTask queued, ChildProcess child, DateTime started)
    {
        var task = queued.Task;
        EngineTask sending;
        bool large;
        try
        {
            // The process gets the arrays themselves: the silo has received them in bulk (or waits for them here).
            (sending, large) = IsolatedRequests.HasBulk(task.Request) ? (await WithArraysAsync(task), true) : (task, false);
        }
        catch (Exception e)
        {
            return (Failed(task, started, e, "", ""), null, null);
        }
        using var run = BeginRun(queued, started);
        // No closure per task: the state carries what the abort needs (nothing in this method is captured).
        using var abort = run.Cancel.Token.UnsafeRegister(static state => ((AbortInProcess)state!).Send(), new AbortInProcess(child, task.MsgId));
        (TaskReply Reply, Task? Sent) ended;
        try
        {
            var done = await child.RunAsync(new RunFrame(sending, queued.Balanced?.Require, _engineId), run.Output, large).ConfigureAwait(false);
            ended = FromProcess(task, started, done, run.Output);
        }
        catch (ChildGoneException gone)
        {
            // The drain loop restarts the engine, failing this task (still the running one) with the cause.
            EndRun(run, (Aborted(task), null));
            return (null, null, gone.Exit);
        }
        EndRunning();
        ended = EndRun(run, ended);
        return (ended.Reply, ended.Sent, null);
    }
#pragma warning restore ORLEANS0014

    /// <summary>The task's request with its bulk arrays in it, received on the thread pool (it blocks while they arrive).</summary>
    private Task<EngineTask> WithArraysAsync(EngineTask task) => Task.Run(() => IsolatedRequests.WithArrays(task, wire));

    /// <summary>What cancelling a task running in the engine's process does: tell the process.</summary>
    private sealed record AbortInProcess(ChildProcess Child, Guid MsgId)
    {
        public void Send() => Child.Abort(MsgId);
    }

    /// <summary>The process's reply as this silo sends it: the output the silo relayed, its arrays offered in bulk.</summary>
    private (TaskReply Reply, Task? Sent) FromProcess(EngineTask task, DateTime started, DoneFrame done, Execution.TaskOutput output)
    {
        var reply = done.Reply;
        string stdout = output.Stdout, stderr = output.Stderr;
        if (reply.Status != TaskStatus.Ok) return (Completed(reply, stdout, stderr, reply.Result), null);
        try
        {
            var sent = executor.ToWire(new Execution.TaskExecutor.Outcome(reply.Result, reply.ExecuteResult), task.SessionId, done.Several);
            return (Completed(reply, stdout, stderr, sent.Result), sent.Sent);
        }
        catch (Exception e)
        {
            return (Failed(task, reply.Started ?? started, e, stdout, stderr), null);
        }
    }

    /// <summary>The process's reply with the silo's output and wire result; itself when they are what it holds (no copy per task).</summary>
    private static TaskReply Completed(TaskReply reply, string stdout, string stderr, object? result) =>
        ReferenceEquals(reply.Result, result) && reply.Stdout == stdout && reply.Stderr == stderr
            ? reply
            : reply with { Stdout = stdout, Stderr = stderr, Result = result };

    /// <summary>
    /// The engine's process ended unasked: the running task fails with the cause, queued ones end
    /// aborted, and a new incarnation with a new process takes the engine's id on this silo.
    /// </summary>
    private async Task LoseProcessAsync(ChildExit exit)
    {
        if (_stopped)
        {
            EndRunning(); // interrupted, shut down or stopping: the process went on purpose
            return;
        }
        var cause = exit.Describe();
        LogProcessLost(logger, _engineId, _child!.ProcessId, cause);
        EndHard(msgId => $"Engine {_engineId}'s process ended while it ran task {msgId}: {cause}. The engine restarted with an empty namespace.");
        EndRunning();
        try
        {
            await GrainFactory.GetGrain<IEngineGrain>(Guid.NewGuid()).ReplaceAsync(_engineId, this.GetPrimaryKey());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No new incarnation: the engine leaves, so clients fail its tasks rather than wait on it.
            LogRestartFailed(logger, e, _engineId);
            local.Stopped(_engineId, this.GetPrimaryKey());
            await GrainFactory.GetGrain<IEngineRegistryGrain>(0).UnregisterAsync([_engineId]);
        }
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {EngineId} lost its process {ProcessId}: {Cause}; restarting it")]
    private static partial void LogProcessLost(ILogger logger, int engineId, int processId, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine {EngineId} could not restart after losing its process; it leaves the cluster")]
    private static partial void LogRestartFailed(ILogger logger, Exception e, int engineId);
}
