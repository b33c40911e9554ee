using Orleans.Concurrency;

namespace Orleans.Parallel.Scheduling;

/// <summary>
/// The scheduler's front door: a stateless worker on the silo a client talks to, which hands the
/// client's load-balanced tasks to that silo's <see cref="ITaskQueueGrain"/>. Holds nothing.
/// </summary>
[Alias("op.ISchedulerGrain")]
public interface ISchedulerGrain : IGrainWithIntegerKey
{
    /// <summary>Queues the tasks on this silo's task queue; returns which queue took them.</summary>
    [Alias("Submit")]
    Task<QueueTicket> SubmitAsync(BalancedBatch batch);
}
