using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Scheduling;

/// <summary>A load-balanced task that failed on an engine and was not answered: its queue decides (retry elsewhere, or answer).</summary>
/// <param name="Reply">The failure as the engine would have answered it.</param>
/// <param name="Observer">The submitting client, for a queue that no longer knows the task.</param>
[GenerateSerializer, Immutable, Alias("op.BalancedFailure")]
public sealed record BalancedFailure(
    [property: Id(0)] TaskReply Reply,
    [property: Id(1)] ITaskObserver Observer);
