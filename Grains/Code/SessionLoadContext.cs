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

    private SessionValueCodec? _codec;

    /// <summary>This session's value codec, loaded into this context on first use.</summary>
    public SessionValueCodec Codec
    {
        get
        {
            if (_codec is not null) return _codec;
            lock (_loadedByName) return _codec ??= SessionValueCodec.LoadInto(this);
        }
    }

    /// <summary>Makes an uploaded assembly known under its simple name.</summary>
    public void Register(AssemblyRef reference, byte[] bytes)
    {
        var name = new AssemblyName(reference.FullName).Name!;
        if (_bytesByName.TryAdd(name, bytes)) _hashByName[name] = reference.ContentHash;
    }

    /// <summary>The uploaded image of an assembly this context loaded (null for its private copies).</summary>
    public byte[]? ImageOf(Assembly assembly) =>
        _loadedByName.TryGetValue(assembly.GetName().Name!, out var loaded) && loaded == assembly
        && _bytesByName.TryGetValue(assembly.GetName().Name!, out var bytes) ? bytes : null;

    /// <summary>The images of every uploaded assembly loaded so far (what scripts may reference).</summary>
    public IEnumerable<byte[]> LoadedImages =>
        _loadedByName.Keys.Select(name => _bytesByName.TryGetValue(name, out var bytes) ? bytes : null).OfType<byte[]>();

    /// <summary>Whether this context has exactly that build (by content hash) under the reference's name.</summary>
    public bool Holds(AssemblyRef reference) =>
        _hashByName.TryGetValue(new AssemblyName(reference.FullName).Name!, out var hash) && hash == reference.ContentHash;

    private readonly ConcurrentDictionary<string, string?> _hashByName = new(StringComparer.OrdinalIgnoreCase);

    public bool Knows(AssemblyRef reference) => _bytesByName.ContainsKey(new AssemblyName(reference.FullName).Name!);

    /// <summary>
    /// Assemblies each session gets its own copy of, from the silo's files: the graph codec and
    /// Json.NET cache types in statics, and a copy in this context takes those caches (and so its
    /// hold on this session's types) with it when the context unloads.
    /// </summary>
    internal static readonly string[] PrivateCopies = ["Newtonsoft.Json", "Orleans.Parallel.Values"];

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name!;
        if (_loadedByName.TryGetValue(name, out var loaded)) return loaded;
        if (PrivateCopies.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            lock (_loadedByName)
            {
                if (_loadedByName.TryGetValue(name, out loaded)) return loaded;
                loaded = LoadFromAssemblyPath(Default.LoadFromAssemblyName(assemblyName).Location);
                _loadedByName[name] = loaded;
                return loaded;
            }
        }
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
