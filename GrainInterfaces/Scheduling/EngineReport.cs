using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Scheduling;

/// <summary>An engine tells a task queue what it finished and how many more tasks it can take.</summary>
/// <param name="EngineId">The reporting engine.</param>
/// <param name="Done">Tasks of this queue that ended and were answered to their clients.</param>
/// <param name="Failed">Tasks of this queue that failed (or whose requirement the engine lacks) and were not answered: the queue decides.</param>
/// <param name="Free">How many tasks the engine takes now (reserved for this queue's answer).</param>
[GenerateSerializer, Immutable, Alias("op.EngineReport")]
public sealed record EngineReport(
    [property: Id(0)] int EngineId,
    [property: Id(1)] IReadOnlyList<Guid> Done,
    [property: Id(2)] IReadOnlyList<BalancedFailure> Failed,
    [property: Id(3)] int Free);
