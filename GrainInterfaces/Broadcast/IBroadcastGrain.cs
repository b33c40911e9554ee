using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Broadcast;

/// <summary>
/// A silo's broadcast point, keyed by the silo's parsable address and placed on it. A view over many
/// engines sends one <see cref="EngineBroadcast"/> per silo, the request in it once; the silo hands it to
/// each of its engines and gathers their replies into one answer. The cluster's own structure does
/// what ipyparallel's broadcast view does: a broadcast costs a message per silo, not per engine.
/// </summary>
[Alias("op.IBroadcastGrain")]
public interface IBroadcastGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues the broadcast's task on each target engine, as <see cref="IEngineGrain.SubmitAsync"/>
    /// would. Returns the replies in target order: those that ended within a few seconds, null for
    /// the others (theirs reach <paramref name="observer"/> later). An engine that cannot take its
    /// task answers with an <see cref="Scheduling.SchedulerErrors.EngineGone"/> reply.
    /// </summary>
    [Alias("Submit")]
    Task<IReadOnlyList<TaskReply?>> SubmitAsync(EngineBroadcast broadcast, ITaskObserver observer);
}
