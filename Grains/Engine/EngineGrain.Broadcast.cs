using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// Submissions from the silo's <see cref="Broadcast.BroadcastGrain"/>, which holds the engines of its
/// silo directly instead of sending each a message. Each step runs in this activation's own turn
/// order (its task scheduler), exactly where a <see cref="SubmitAsync"/> call would have run it.
/// </summary>
public sealed partial class EngineGrain
{
    /// <summary>Queues <paramref name="task"/> as a submission would; the returned task completes once it is queued.</summary>
    internal Task<QueuedTask> AcceptInTurn(EngineTask task, ITaskObserver observer) => InTurn(() => Accept(task, observer));

    /// <summary>The reply if it came meanwhile; otherwise null, and the reply goes to the task's observer.</summary>
    internal Task<TaskReply?> DetachInTurn(QueuedTask queued) => InTurn(() => Detach(queued));

    private Task<T> InTurn<T>(Func<T> work)
    {
        var turn = new Task<T>(work);
        GrainContext.Scheduler.QueueTask(turn);
        return turn;
    }
}
