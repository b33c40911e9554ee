using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Hub;

/// <summary>
/// The cluster's queues at one moment (ipyparallel's <c>queue_status</c>): each engine's queued,
/// running and completed tasks, and the load-balanced tasks no engine has taken yet.
/// </summary>
/// <param name="Engines">The engines asked about, in the order asked.</param>
/// <param name="Unassigned">Load-balanced tasks waiting in the silos' queues for an engine (ids only when verbose).</param>
/// <param name="UnassignedCount">How many tasks wait for an engine.</param>
[GenerateSerializer, Immutable, Alias("op.QueueStatus")]
public sealed record QueueStatus(
    [property: Id(0)] IReadOnlyList<EngineQueueStatus> Engines,
    [property: Id(1)] IReadOnlyList<Guid> Unassigned,
    [property: Id(2)] int UnassignedCount)
{
    /// <summary>One engine's status, by id.</summary>
    /// <exception cref="KeyNotFoundException">The engine was not asked about.</exception>
    public EngineQueueStatus this[int engineId] =>
        Engines.FirstOrDefault(e => e.EngineId == engineId)
        ?? throw new KeyNotFoundException($"Engine {engineId} is not in this queue status; it covers [{string.Join(", ", Engines.Select(e => e.EngineId))}].");
}
