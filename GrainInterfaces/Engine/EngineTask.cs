namespace Orleans.Parallel.Engine;

/// <summary>One unit of work for one engine.</summary>
/// <param name="MsgId">The task's message id, chosen by the client.</param>
/// <param name="SessionId">The submitting client session (selects the code it uploaded).</param>
/// <param name="Submitted">When the client submitted it (UTC).</param>
/// <param name="Request">What to do.</param>
/// <param name="Seq">The task's number among its session's tasks for this engine (0, 1, 2, …): engines run them in this order.</param>
/// <param name="Label">The label of the view that sent it, kept in the task's record; null for none.</param>
/// <param name="TraceParent">The W3C traceparent of the client's span for it (<see cref="Telemetry.ParallelTelemetry"/>); null when nobody traces.</param>
[GenerateSerializer, Alias("op.EngineTask")]
public sealed record EngineTask(
    [property: Id(0)] Guid MsgId,
    [property: Id(1)] Guid SessionId,
    [property: Id(2)] DateTime Submitted,
    [property: Id(3)] EngineRequest Request,
    [property: Id(4)] long Seq,
    [property: Id(5)] string? Label = null,
    [property: Id(6)] string? TraceParent = null);
