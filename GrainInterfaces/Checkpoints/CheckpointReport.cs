namespace Orleans.Parallel.Checkpoints;

/// <summary>What one engine's checkpoint stored.</summary>
/// <param name="EngineId">The engine.</param>
/// <param name="Taken">When (UTC).</param>
/// <param name="Saved">The variables stored, in name order.</param>
/// <param name="NotSaved">The variables that could not be stored (a value of a type a script declared, a delegate, a task...), with the reason.</param>
/// <param name="Bytes">The stored size of the values.</param>
/// <param name="Durable">
/// Whether the checkpoint is in durable storage (Redis or Azure Table, the silos' clustering store).
/// With localhost clustering it is in Orleans' memory storage: it survives an engine, not the silo
/// that holds it.
/// </param>
[GenerateSerializer, Immutable, Alias("op.CheckpointReport")]
public sealed record CheckpointReport(
    [property: Id(0)] int EngineId,
    [property: Id(1)] DateTime Taken,
    [property: Id(2)] IReadOnlyList<string> Saved,
    [property: Id(3)] IReadOnlyDictionary<string, string> NotSaved,
    [property: Id(4)] long Bytes,
    [property: Id(5)] bool Durable);

/// <summary>What one engine restored from a checkpoint.</summary>
/// <param name="EngineId">The engine restored.</param>
/// <param name="FromEngineId">The engine id whose checkpoint it read (its own, unless asked otherwise).</param>
/// <param name="Taken">When that checkpoint was taken (UTC).</param>
/// <param name="Restored">The variables set, in name order.</param>
/// <param name="NotRestored">
/// The variables it could not restore, with the reason: those the checkpoint could not store, and
/// those it stored but this engine could not rebuild (a type no longer loadable, say).
/// </param>
[GenerateSerializer, Immutable, Alias("op.RestoreReport")]
public sealed record RestoreReport(
    [property: Id(0)] int EngineId,
    [property: Id(1)] int FromEngineId,
    [property: Id(2)] DateTime Taken,
    [property: Id(3)] IReadOnlyList<string> Restored,
    [property: Id(4)] IReadOnlyDictionary<string, string> NotRestored);
