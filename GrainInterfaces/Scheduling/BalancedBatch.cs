using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Scheduling;

/// <summary>Load-balanced tasks a client session submits together, and where their replies go.</summary>
[GenerateSerializer, Immutable, Alias("op.BalancedBatch")]
public sealed record BalancedBatch(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] ITaskObserver Observer,
    [property: Id(2)] IReadOnlyList<BalancedTask> Tasks);
