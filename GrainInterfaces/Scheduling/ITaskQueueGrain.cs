using Orleans.Parallel.Security;

namespace Orleans.Parallel.Scheduling;

/// <summary>
/// One silo's queue of load-balanced tasks (keyed by the silo's address): holds tasks until an
/// engine can take them, picks the engine by the configured scheme, retries failures elsewhere and
/// ends tasks that time out, are aborted or can run nowhere. Engines on every silo take from every
/// queue; each engine admits at most its high-water mark of tasks from all queues together.
/// </summary>
[Alias("op.ITaskQueueGrain")]
public interface ITaskQueueGrain : IGrainWithStringKey
{
    /// <summary>Queues tasks; returns this activation's epoch.</summary>
    [SiloOnly]
    [Alias("Submit")]
    Task<Guid> SubmitAsync(BalancedBatch batch);

    /// <summary>An engine reports finished tasks and free capacity; the answer is its next tasks.</summary>
    [SiloOnly]
    [Alias("Report")]
    Task<IReadOnlyList<BalancedAssignment>> ReportAsync(EngineReport report);

    /// <summary>Ends the queued tasks among <paramref name="msgIds"/> as aborted and asks engines to drop those they hold queued; returns how many ended here.</summary>
    [Alias("Abort")]
    Task<int> AbortAsync(IReadOnlyList<Guid> msgIds);

    /// <summary>This activation's epoch: a new one means everything the old one held is gone.</summary>
    [Alias("Epoch")]
    Task<Guid> EpochAsync();

    /// <summary>The tasks waiting for an engine, in queue order.</summary>
    [SiloOnly]
    [Alias("Waiting")]
    Task<IReadOnlyList<Guid>> WaitingAsync();
}
