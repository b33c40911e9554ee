using System.Collections.Concurrent;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Grains.Registry;

/// <summary>
/// The engines running on this silo: as the registry lists them (what the silo reports after a death
/// in the cluster, so a registry that came back without its stored list lists them again), and as
/// activations, which the silo's broadcast hands tasks to without a message per engine.
/// </summary>
public sealed class LocalEngines
{
    private readonly ConcurrentDictionary<int, EngineEntry> _engines = new();
    private readonly ConcurrentDictionary<Guid, EngineGrain> _activations = new();

    public void Started(EngineEntry entry, EngineGrain activation)
    {
        _engines[entry.EngineId] = entry;
        _activations[entry.Incarnation] = activation;
    }

    /// <summary>An incarnation stopped; a newer one under the same id (an interrupted engine's) stays listed.</summary>
    public void Stopped(int engineId, Guid incarnation)
    {
        _activations.TryRemove(incarnation, out _);
        if (_engines.TryGetValue(engineId, out var entry) && entry.Incarnation == incarnation)
            _engines.TryRemove(new KeyValuePair<int, EngineEntry>(engineId, entry));
    }

    public IReadOnlyList<EngineEntry> All => [.. _engines.Values];

    /// <summary>The activation of incarnation <paramref name="incarnation"/>, if it runs on this silo.</summary>
    public bool TryGetActivation(Guid incarnation, out EngineGrain activation) => _activations.TryGetValue(incarnation, out activation!);
}
