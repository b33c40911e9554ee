using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// One task against one namespace, ended as a reply: its requirement, then its request, with
/// cancellation and errors turned into the reply's status. The same in a silo's engine thread and
/// in an isolated engine's process.
/// </summary>
internal static class TaskRun
{
    public static (TaskReply Reply, Task? Sent) Run(TaskExecutor executor, FunctionMaterializer functions, EngineTask task, TaskRequirement? require,
        EngineNamespace ns, int engineId, DateTime started, TaskOutput output, CancellationToken cancellationToken)
    {
        try
        {
            if (require is not null && RequirementCheck.Unmet(require, task.SessionId, ns, functions) is { } unmet)
                return (Unmet(task, engineId, started, unmet), null);
            var outcome = executor.Run(task, ns, engineId, cancellationToken);
            return (new TaskReply(task.MsgId, engineId, TaskStatus.Ok, outcome.Result, null, started,
                DateTime.UtcNow, output.Stdout, output.Stderr, outcome.ExecuteResult, Timings: outcome.Timings), outcome.Sent);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && IsCancellation(e))
        {
            // Aborted while it ran, and it heeded the token.
            return (new TaskReply(task.MsgId, engineId, TaskStatus.Aborted, null, null, started, DateTime.UtcNow, output.Stdout, output.Stderr, null), null);
        }
        catch (Exception e)
        {
            return (Failed(task, engineId, started, e, output.Stdout, output.Stderr), null);
        }
    }

    /// <summary>An OperationCanceledException, as thrown, or wrapped by reflection or a task.</summary>
    private static bool IsCancellation(Exception? e)
    {
        for (; e is not null; e = e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException ? e.InnerException : null)
            if (e is OperationCanceledException) return true;
        return false;
    }

    public static TaskReply Failed(EngineTask task, int engineId, DateTime started, Exception e, string stdout, string stderr) =>
        new(task.MsgId, engineId, TaskStatus.Error, null, RemoteErrors.From(e), started, DateTime.UtcNow, stdout, stderr, null);

    private static TaskReply Unmet(EngineTask task, int engineId, DateTime started, string why) =>
        new(task.MsgId, engineId, TaskStatus.Error, null,
            new RemoteError(SchedulerErrors.Unmet, $"Engine {engineId} does not meet the task's requirement: {why}.", "", []),
            started, DateTime.UtcNow, "", "", null);
}
