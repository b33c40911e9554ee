using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Grains.Storage;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Parallel.Grains.Checkpoints;

/// <summary>
/// One engine id's last checkpoint, in <see cref="DurableStorage"/>: the silos' Redis or Azure Table
/// store, or Orleans' memory storage with localhost clustering. The checkpoint is written in pieces
/// under a key of its own (<see cref="DurableBytes"/>), then this grain's record points at them: a
/// write that fails leaves the last checkpoint whole.
/// </summary>
public sealed class EngineCheckpointGrain(
    [PersistentState("checkpoint", DurableStorage.Name)] IPersistentState<StoredCheckpoint> stored,
    Serializer serializer,
    IServiceProvider services) : Grain, IEngineCheckpointGrain
{
    private EngineCheckpoint? _last;

    public async Task<bool> SaveAsync(Immutable<EngineCheckpoint> checkpoint)
    {
        var data = serializer.SerializeToArray(checkpoint.Value);
        var key = $"checkpoint/{this.GetPrimaryKeyLong()}/{Guid.NewGuid():N}";
        var chunks = await DurableBytes.WriteAsync(GrainFactory, key, data);
        var last = stored.State;
        stored.State = new StoredCheckpoint { Key = key, Chunks = chunks, Length = data.Length };
        try { await stored.WriteStateAsync(); }
        catch
        {
            stored.State = last;
            _ = DurableBytes.ClearAsync(GrainFactory, key, chunks);
            throw;
        }
        _last = checkpoint.Value;
        if (last.Key is { } old) _ = DurableBytes.ClearAsync(GrainFactory, old, last.Chunks); // best effort
        return services.GetKeyedService<IGrainStorage>(DurableStorage.Name) is not MemoryGrainStorage;
    }

    public async Task<Immutable<EngineCheckpoint?>> GetAsync()
    {
        if (_last is null && stored.State.Key is { } key)
            _last = serializer.Deserialize<EngineCheckpoint>(await DurableBytes.ReadAsync(GrainFactory, key, stored.State.Chunks, stored.State.Length));
        return new Immutable<EngineCheckpoint?>(_last);
    }
}

/// <summary>Where an engine's last checkpoint is: the key and number of its pieces.</summary>
[GenerateSerializer, Alias("op.StoredCheckpoint")]
public sealed class StoredCheckpoint
{
    [Id(0)] public string? Key { get; set; }

    [Id(1)] public int Chunks { get; set; }

    [Id(2)] public int Length { get; set; }
}
