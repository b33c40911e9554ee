namespace Orleans.Parallel.Engine;

/// <summary>The client side of task submission: engines (and task queues) report every finished task here.</summary>
[Alias("op.ITaskObserver")]
public interface ITaskObserver : IGrainObserver
{
    /// <summary>
    /// A task ended (ok, error or aborted). Answered, so the sender learns when a reply could not be
    /// delivered (a result too large for a message) and can send an error in its place.
    /// </summary>
    [Alias("Completed")]
    Task OnTaskCompletedAsync(TaskReply reply);

    /// <summary>
    /// The same report for replies that cannot fail to travel (no result, or a small plain one):
    /// one-way, so no response message is sent back for each task.
    /// </summary>
    [Orleans.Concurrency.OneWay, Alias("Ended")]
    Task OnTaskEndedAsync(TaskReply reply);

    /// <summary>Several such reports in one message, in the order the tasks ended on the silo.</summary>
    [Orleans.Concurrency.OneWay, Alias("EndedMany")]
    Task OnTasksEndedAsync(IReadOnlyList<TaskReply> replies);
}
