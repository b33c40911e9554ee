using Orleans.Concurrency;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Checkpoints;

/// <summary>
/// The last checkpoint of one engine id (the key), kept in the cluster's durable grain storage, so
/// that it outlives the engine and its silo: an engine made again under that id (or any other)
/// restores from it.
/// </summary>
[Alias("op.IEngineCheckpointGrain")]
[SiloOnly]
public interface IEngineCheckpointGrain : IGrainWithIntegerKey
{
    /// <summary>Replaces the stored checkpoint; returns whether the storage is durable (outlives the cluster's silos).</summary>
    [Alias("Save")]
    Task<bool> SaveAsync(Immutable<EngineCheckpoint> checkpoint);

    /// <summary>The stored checkpoint, or null when this id has none.</summary>
    [Alias("Get")]
    Task<Immutable<EngineCheckpoint?>> GetAsync();
}
