using Microsoft.Extensions.Logging;
using Orleans.Parallel.Bulk;
using Orleans.Utilities;
using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Grains.Registry;

/// <summary>Holds the engine list in memory; ids come from a counter so a dead engine's id never returns.</summary>
[KeepAlive]
public sealed class EngineRegistryGrain(ILogger<EngineRegistryGrain> logger) : Grain, IEngineRegistryGrain
{
    private readonly SortedDictionary<int, EngineEntry> _engines = new();
    private readonly ObserverManager<IEngineDirectoryObserver> _observers = new(IEngineRegistryGrain.SubscriptionLifetime, logger);
    private readonly Guid _epoch = Guid.NewGuid(); // versions count within this activation
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
        Task.FromResult(_snapshot ??= new EngineDirectory(_version, _engines.Values.ToArray(), _epoch));

    public Task<EngineDirectory> SubscribeAsync(IEngineDirectoryObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return GetEnginesAsync();
    }

    public Task UnsubscribeAsync(IEngineDirectoryObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>A new version, pushed to every subscribed client (one-way: a client that is gone costs nothing).</summary>
    private void Changed()
    {
        _version++;
        _snapshot = null;
        _observers.ClearExpired();
        if (_observers.Count == 0) return;
        var directory = new EngineDirectory(_version, _engines.Values.ToArray(), _epoch);
        _snapshot = directory;
        _observers.Notify(o => o.OnEnginesChangedAsync(directory));
    }
}
