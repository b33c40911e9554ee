using Orleans.Parallel.Code;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// Where a session's uploaded assemblies come from: the cluster's assembly store in a silo
/// (<see cref="AssemblyStore"/>), the parent silo in an isolated engine's process.
/// </summary>
public interface IAssemblySource
{
    /// <summary>The bytes uploaded under <paramref name="contentHash"/>; null when nobody uploaded them.</summary>
    Task<byte[]?> GetAsync(string contentHash);
}

/// <summary>The silo's source: each hash's <see cref="IAssemblyStoreGrain"/>.</summary>
public sealed class AssemblyStore(IGrainFactory grains) : IAssemblySource
{
    /// <summary>
    /// An uploaded assembly's bytes from its store grain. A store on a silo that is stopping or has
    /// just died refuses for a moment; the next try reaches it re-activated elsewhere (it keeps its
    /// bytes in durable storage), so refusals are retried for a few seconds.
    /// </summary>
    public async Task<byte[]?> GetAsync(string contentHash)
    {
        var store = grains.GetGrain<IAssemblyStoreGrain>(contentHash);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try { return await store.GetAsync(); }
            catch (Orleans.Runtime.OrleansMessageRejectionException) when (attempt < 8)
            {
                await Task.Delay(delay);
                delay *= 2;
            }
        }
    }
}
