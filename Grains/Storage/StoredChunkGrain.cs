using Orleans.Parallel.Storage;

namespace Orleans.Parallel.Grains.Storage;

/// <summary>One piece of a large byte array, in <see cref="DurableStorage"/>.</summary>
public sealed class StoredChunkGrain([PersistentState("chunk", DurableStorage.Name)] IPersistentState<StoredChunk> stored) : Grain, IStoredChunkGrain
{
    public async Task WriteAsync(byte[] data)
    {
        stored.State.Data = data;
        await stored.WriteStateAsync();
        DeactivateOnIdle(); // read again only after a silo is lost: no need to hold it in memory
    }

    public Task<byte[]?> ReadAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(stored.State.Data);
    }

    public async Task ClearAsync()
    {
        await stored.ClearStateAsync();
        DeactivateOnIdle();
    }
}

/// <summary>A piece as <see cref="StoredChunkGrain"/> stores it.</summary>
[GenerateSerializer, Alias("op.StoredChunk")]
public sealed class StoredChunk
{
    [Id(0)] public byte[]? Data { get; set; }
}
