using Orleans.Concurrency;
using Orleans.Parallel.Checkpoints;

namespace Orleans.Parallel.Grains.Checkpoints;

/// <summary>
/// Where engines' checkpoints are kept: each engine id's <see cref="IEngineCheckpointGrain"/> in a
/// silo (<see cref="CheckpointGrains"/>); in an isolated engine's process, the parent silo's.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Replaces engine <see cref="EngineCheckpoint.EngineId"/>'s checkpoint; true when it was stored durably.</summary>
    Task<bool> SaveAsync(EngineCheckpoint checkpoint);

    /// <summary>Engine <paramref name="engineId"/>'s last checkpoint, or null.</summary>
    Task<EngineCheckpoint?> GetAsync(int engineId);
}

/// <summary>The silo's store: the checkpoint grains.</summary>
public sealed class CheckpointGrains(IGrainFactory grains) : ICheckpointStore
{
    public Task<bool> SaveAsync(EngineCheckpoint checkpoint) =>
        grains.GetGrain<IEngineCheckpointGrain>(checkpoint.EngineId).SaveAsync(new Immutable<EngineCheckpoint>(checkpoint));

    public async Task<EngineCheckpoint?> GetAsync(int engineId) =>
        (await grains.GetGrain<IEngineCheckpointGrain>(engineId).GetAsync()).Value;
}
