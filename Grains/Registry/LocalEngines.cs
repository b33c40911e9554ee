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

    public void Stopped(int engineId) => _engines.TryRemove(engineId, out _);

    public IReadOnlyList<EngineEntry> All => [.. _engines.Values];
}
