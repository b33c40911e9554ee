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
            // Back in this activation's turn order, where an interrupt would run.
            _ = InTurn(() => LoseProcessAsync(child, ended.Result));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Runs one task in the engine's process; the drain loop finishes it as any other.</summary>
    private async Task<RunOutcome> RunIsolatedAsync(QueuedTask queued, ChildProcess child, DateTime started)
    {
        var task = queued.Task;
        EngineTask sending;
        bool large;
        try
        {
            // The process gets the arrays themselves: the silo has received them in bulk (or waits for them here).
            (sending, large) = IsolatedRequests.HasBulk(task.Request) ? (await Task.Run(() => IsolatedRequests.WithArrays(task, wire)), true) : (task, false);
        }
        catch (Exception e)
        {
            return new RunOutcome(queued, Failed(task, started, e, "", ""), null);
        }
        using var run = BeginRun(queued, started);
        using var abort = run.Cancel.Token.Register(() => child.Abort(task.MsgId));
        (TaskReply Reply, Task? Sent) ended;
        try
        {
            var done = await child.RunAsync(new RunFrame(sending, queued.Balanced?.Require, _engineId), run.Output, large);
            ended = FromProcess(task, started, done, run.Output);
        }
        catch (ChildGoneException gone)
        {
            // Ends the running task (this one) saying how the process ended, and restarts the engine.
            await LoseProcessAsync(child, gone.Exit);
            EndRunning();
            EndRun(run, (Aborted(task), null));
            return default;
        }
        EndRunning();
        return new RunOutcome(queued, EndRun(run, ended).Reply, ended.Sent);
    }

    /// <summary>The process's reply as this silo sends it: the output the silo relayed, its arrays offered in bulk.</summary>
    private (TaskReply Reply, Task? Sent) FromProcess(EngineTask task, DateTime started, DoneFrame done, Execution.TaskOutput output)
    {
        var reply = done.Reply with { Stdout = output.Stdout, Stderr = output.Stderr };
        if (reply.Status != TaskStatus.Ok) return (reply, null);
        try
        {
            var sent = executor.ToWire(new Execution.TaskExecutor.Outcome(reply.Result, reply.ExecuteResult), task.SessionId, done.Several);
            return (reply with { Result = sent.Result }, sent.Sent);
        }
        catch (Exception e)
        {
            return (Failed(task, reply.Started ?? started, e, reply.Stdout, reply.Stderr), null);
        }
    }

    /// <summary>
    /// The engine's process ended unasked: the running task fails with the cause, queued ones end
    /// aborted, and a new incarnation with a new process takes the engine's id on this silo.
    /// </summary>
    private async Task LoseProcessAsync(ChildProcess child, ChildExit exit)
    {
        if (_stopped || _child != child) return; // stopping, interrupted, or handled already
        var cause = exit.Describe();
        LogProcessLost(logger, _engineId, child.ProcessId, cause);
        EndHard(msgId => $"Engine {_engineId}'s process ended while it ran task {msgId}: {cause}. The engine restarted with an empty namespace.");
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
