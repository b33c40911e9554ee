using Orleans.Parallel.Errors;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Results;

/// <summary>The client-side exception for a finished message that did not succeed.</summary>
internal static class ReplyErrors
{
    public static Exception? Of(PendingMessage message)
    {
        if (message.LocalError is { } local) return local;
        var reply = message.Done;
        return reply?.Status switch
        {
            TaskStatus.Error when reply.Error is { } error => FromScheduler(reply, error) ?? new RemoteException(reply.EngineId, reply.MsgId, error),
            TaskStatus.Error => new EngineException(reply.EngineId, $"Task {reply.MsgId} failed without an error report."),
            TaskStatus.Aborted => new TaskAbortedException(reply.EngineId, reply.MsgId),
            _ => null,
        };
    }

    /// <summary>The errors a task queue ends tasks with, as their client exceptions.</summary>
    private static Exception? FromScheduler(Engine.TaskReply reply, Engine.RemoteError error) => error.ExceptionType switch
    {
        SchedulerErrors.Timeout => new TaskTimeoutException(reply.MsgId, error.Message),
        SchedulerErrors.Impossible => new ImpossibleDependencyException(reply.MsgId, error.Message),
        SchedulerErrors.Unmet => new ImpossibleDependencyException(reply.MsgId, error.Message),
        SchedulerErrors.EngineGone or SchedulerErrors.NotStarted => new EngineException(reply.EngineId, error.Message),
        _ => null,
    };
}
