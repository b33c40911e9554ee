using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// The assemblies one client session uploaded, loaded collectibly so they go when the session ends.
/// Names it does not hold fall back to the silo's own (default) context.
/// </summary>
internal sealed class SessionLoadContext(Guid sessionId)
    : AssemblyLoadContext($"op-session-{sessionId:N}", isCollectible: true)
{
    private readonly ConcurrentDictionary<string, byte[]> _bytesByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Assembly> _loadedByName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes an uploaded assembly known under its simple name.</summary>
    public void Register(AssemblyRef reference, byte[] bytes) =>
        _bytesByName.TryAdd(new AssemblyName(reference.FullName).Name!, bytes);

    public bool Knows(AssemblyRef reference) => _bytesByName.ContainsKey(new AssemblyName(reference.FullName).Name!);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name!;
        if (_loadedByName.TryGetValue(name, out var loaded)) return loaded;
        if (!_bytesByName.TryGetValue(name, out var bytes)) return null;
        lock (_loadedByName)
        {
            if (_loadedByName.TryGetValue(name, out loaded)) return loaded;
            loaded = LoadFromStream(new MemoryStream(bytes, writable: false));
            _loadedByName[name] = loaded;
            return loaded;
        }
    }
}
