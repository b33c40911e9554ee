using Orleans.Parallel.Errors;
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
            TaskStatus.Error when reply.Error is { } error => new RemoteException(reply.EngineId, reply.MsgId, error),
            TaskStatus.Error => new EngineException(reply.EngineId, $"Task {reply.MsgId} failed without an error report."),
            TaskStatus.Aborted => new TaskAbortedException(reply.EngineId, reply.MsgId),
            _ => null,
        };
    }
}
