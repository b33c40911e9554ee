using System.Collections.Concurrent;
using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Grains.Registry;

/// <summary>
/// The engines running on this silo, as the registry lists them: what the silo reports after a death
/// in the cluster, so a registry that came back without its stored list lists them again.
/// </summary>
public sealed class LocalEngines
{
    private readonly ConcurrentDictionary<int, EngineEntry> _engines = new();

    public void Started(EngineEntry entry) => _engines[entry.EngineId] = entry;

    /// <summary>An incarnation stopped; a newer one under the same id (an interrupted engine's) stays listed.</summary>
    public void Stopped(int engineId, Guid incarnation)
    {
        if (_engines.TryGetValue(engineId, out var entry) && entry.Incarnation == incarnation)
            _engines.TryRemove(new KeyValuePair<int, EngineEntry>(engineId, entry));
    }

    public IReadOnlyList<EngineEntry> All => [.. _engines.Values];
}
