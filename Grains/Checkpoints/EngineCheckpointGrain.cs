using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Parallel.Checkpoints;
using Orleans.Storage;

namespace Orleans.Parallel.Grains.Checkpoints;

/// <summary>
/// One engine id's last checkpoint, in <see cref="DurableStorage"/>: the silos' Redis or Azure Table
/// store, or Orleans' memory storage with localhost clustering. Held in memory only while active.
/// </summary>
public sealed class EngineCheckpointGrain(
    [PersistentState("checkpoint", DurableStorage.Name)] IPersistentState<EngineCheckpoint> stored,
    IServiceProvider services) : Grain, IEngineCheckpointGrain
{
    public async Task<bool> SaveAsync(Immutable<EngineCheckpoint> checkpoint)
    {
        stored.State = checkpoint.Value;
        await stored.WriteStateAsync();
        return services.GetKeyedService<IGrainStorage>(DurableStorage.Name) is not MemoryGrainStorage;
    }

    public Task<Immutable<EngineCheckpoint?>> GetAsync() =>
        Task.FromResult(new Immutable<EngineCheckpoint?>(stored.RecordExists ? stored.State : null));
}
