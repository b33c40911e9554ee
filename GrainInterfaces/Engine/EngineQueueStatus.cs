namespace Orleans.Parallel.Engine;

/// <summary>One engine's queue: what waits, what runs, how much is done.</summary>
/// <param name="EngineId">The engine.</param>
/// <param name="Queued">The tasks waiting on it, in order (empty in a status that is not verbose; see <see cref="QueueLength"/>).</param>
/// <param name="Running">The task it runs now, if any.</param>
/// <param name="Completed">How many tasks it has run.</param>
[GenerateSerializer, Alias("op.EngineQueueStatus")]
public sealed record EngineQueueStatus(
    [property: Id(0)] int EngineId,
    [property: Id(1)] IReadOnlyList<Guid> Queued,
    [property: Id(2)] Guid? Running,
    [property: Id(3)] long Completed)
{
    /// <summary>How many tasks wait on the engine (kept when the ids are left out).</summary>
    [Id(4)] public int QueueLength { get; init; } = Queued.Count;

    /// <summary>This status without msg ids: counts only.</summary>
    public EngineQueueStatus WithoutIds() => this with { Queued = [] };
}
