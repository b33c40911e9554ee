using Orleans.Concurrency;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Engine;

/// <summary>
/// One engine: a namespace of variables and a queue of tasks run one at a time in arrival order.
/// Keyed by its incarnation (a fresh <see cref="Guid"/> per engine the silo starts); the dense
/// engine id users see is assigned by the registry when the engine starts.
/// </summary>
[Alias("op.IEngineGrain")]
public interface IEngineGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Brings the engine to life on the calling silo under <paramref name="engineId"/>, an id the
    /// registry reserved for it; returns the entry the silo then lists in the registry.
    /// </summary>
    [SiloOnly]
    [Alias("Start")]
    Task<Registry.EngineEntry> StartAsync(string siloName, int engineId);

    /// <summary>
    /// Ends the engine's waiting tasks as aborted (their replies delivered) and lets the activation go,
    /// for a graceful silo shutdown: the silo then removes its stopped engines from the registry together.
    /// </summary>
    [SiloOnly]
    [Alias("Stop")]
    Task StopAsync();

    /// <summary>
    /// Brings a new incarnation to life on the calling silo under an id the registry gave out before:
    /// in place of <paramref name="replacing"/> (an interrupted engine), or of an engine that left
    /// (null). Its namespace starts empty. Returns the id.
    /// </summary>
    [Alias("Replace")]
    Task<int> ReplaceAsync(int engineId, Guid? replacing);

    /// <summary>
    /// Ends this incarnation the hard way: its running task fails with the engine's error (its thread
    /// is abandoned, since .NET cannot stop a thread; it ends when its code returns), queued tasks end
    /// aborted, and a new incarnation with an empty namespace takes its id on the same silo.
    /// </summary>
    [AlwaysInterleave, Alias("Interrupt")]
    Task<int> InterruptAsync();

    /// <summary>Ends this incarnation like <see cref="InterruptAsync"/>, but the engine leaves the cluster instead of restarting.</summary>
    [AlwaysInterleave, Alias("Shutdown")]
    Task ShutdownAsync();

    /// <summary>
    /// Queues a task. A task that ends within a few seconds is answered by this call itself (one
    /// round trip); otherwise the call returns null and the reply later reaches <paramref name="observer"/>,
    /// so no call is held near Orleans' response timeout. Interleaves, so submissions never wait on
    /// one another.
    /// </summary>
    [AlwaysInterleave, Alias("Submit")]
    Task<TaskReply?> SubmitAsync(EngineTask task, ITaskObserver observer);

    /// <summary>
    /// Offers load-balanced tasks from task queue <paramref name="queue"/>. The engine takes them in
    /// order while it holds fewer than <paramref name="highWaterMark"/> load-balanced tasks from all
    /// queues (0: no limit) and returns how many it took; it tells the queue when it can take more.
    /// </summary>
    [SiloOnly]
    [AlwaysInterleave, Alias("Take")]
    Task<int> TakeAsync(IReadOnlyList<Scheduling.BalancedAssignment> tasks, string queue, int highWaterMark);

    /// <summary>Queued, running and completed tasks, answered even while a task runs.</summary>
    [AlwaysInterleave, Alias("QueueStatus")]
    Task<EngineQueueStatus> QueueStatusAsync();

    /// <summary>
    /// Ends queued tasks (all when <paramref name="msgIds"/> is null) as aborted and returns how many;
    /// when the running task is among the named <paramref name="msgIds"/>, its token is cancelled too.
    /// </summary>
    [AlwaysInterleave, Alias("Abort")]
    Task<int> AbortAsync(IReadOnlyList<Guid>? msgIds);

    /// <summary>Forgets the code a client session loaded on this engine's silo.</summary>
    [AlwaysInterleave, Alias("EndSession")]
    Task EndSessionAsync(Guid sessionId);
}
