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
            TaskStatus.Error when reply.Error is { } error => FromScheduler(reply, error) ?? Remote(message, reply, error),
            TaskStatus.Error => new EngineException(reply.EngineId, $"Task {reply.MsgId} failed without an error report."),
            TaskStatus.Aborted => new TaskAbortedException(reply.EngineId, reply.MsgId, whileRunning: reply.Started is not null),
            _ => null,
        };
    }

    /// <summary>
    /// An engine's error as a <see cref="RemoteException"/>; for a map chunk it names the input index
    /// of the item that raised it, or the chunk's range of items when the chunk failed as a whole.
    /// </summary>
    private static RemoteException Remote(PendingMessage message, Engine.TaskReply reply, Engine.RemoteError error)
    {
        if (message.MapSlice is not { } slice) return new RemoteException(reply.EngineId, reply.MsgId, error);
        if (error.Item is { } item) return Item(reply.EngineId, reply.MsgId, error, slice.Offset + item);
        var where = slice.Length == 1 ? $"map item {slice.Offset}" : $"map items {slice.Offset}..{slice.Offset + slice.Length - 1}";
        return new RemoteException(reply.EngineId, reply.MsgId, error, where, slice.Length == 1 ? slice.Offset : null);
    }

    /// <summary>The error of one map item, at input index <paramref name="index"/>.</summary>
    public static RemoteException Item(int engineId, Guid msgId, Engine.RemoteError error, int index) =>
        new(engineId, msgId, error, $"map item {index}", index);

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
