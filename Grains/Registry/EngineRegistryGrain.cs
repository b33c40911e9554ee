using Orleans.Parallel.Bulk;
using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Grains.Registry;

/// <summary>Holds the engine list in memory; ids come from a counter so a dead engine's id never returns.</summary>
[KeepAlive]
public sealed class EngineRegistryGrain : Grain, IEngineRegistryGrain
{
    private readonly SortedDictionary<int, EngineEntry> _engines = new();
    private int _nextId;
    private long _version;
    private EngineDirectory? _snapshot;

    public Task<int> RegisterAsync(Guid incarnation, string siloName, BulkEndpoint? bulk)
    {
        var id = _nextId++;
        _engines[id] = new EngineEntry(id, incarnation, siloName, bulk);
        Changed();
        return Task.FromResult(id);
    }

    public Task UnregisterAsync(int engineId)
    {
        if (_engines.Remove(engineId)) Changed();
        return Task.CompletedTask;
    }

    public Task<EngineDirectory> GetEnginesAsync() =>
        Task.FromResult(_snapshot ??= new EngineDirectory(_version, _engines.Values.ToArray()));

    private void Changed()
    {
        _version++;
        _snapshot = null;
    }
}
