using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Scheduling;

/// <summary>A load-balanced task on its way to a scheduler: what to run and where it may run.</summary>
/// <param name="MsgId">The task's message id, chosen by the client.</param>
/// <param name="Submitted">When the client submitted it (UTC).</param>
/// <param name="Request">What to do.</param>
/// <param name="Placement">Which engines may take it, retries and how long it may wait.</param>
/// <param name="Label">The label of the view that sent it, kept in the task's record; null for none.</param>
/// <param name="TraceParent">The W3C traceparent of the client's span for it; null when nobody traces.</param>
[GenerateSerializer, Immutable, Alias("op.BalancedTask")]
public sealed record BalancedTask(
    [property: Id(0)] Guid MsgId,
    [property: Id(1)] DateTime Submitted,
    [property: Id(2)] EngineRequest Request,
    [property: Id(3)] TaskPlacement Placement,
    [property: Id(4)] string? Label = null,
    [property: Id(5)] string? TraceParent = null);
