namespace Orleans.Parallel.Engine;

/// <summary>One engine's queue: what waits, what runs, how much is done.</summary>
[GenerateSerializer, Alias("op.EngineQueueStatus")]
public sealed record EngineQueueStatus(
    [property: Id(0)] int EngineId,
    [property: Id(1)] IReadOnlyList<Guid> Queued,
    [property: Id(2)] Guid? Running,
    [property: Id(3)] long Completed);
