using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// The assemblies one client session uploaded, loaded collectibly so they go when the session ends.
/// Names it does not hold fall back to the silo's own (default) context.
/// </summary>
/// <remarks>
/// The context holds no <see cref="Assembly"/> (nor anything from one) in its own fields: a
/// collectible context that references its own assemblies never unloads (the runtime keeps the
/// context alive while they live). Loaded assemblies are found again through <see cref="AssemblyLoadContext.Assemblies"/>.
/// </remarks>
internal sealed class SessionLoadContext(Guid sessionId)
    : AssemblyLoadContext($"op-session-{sessionId:N}", isCollectible: true)
{
    private readonly ConcurrentDictionary<string, byte[]> _bytesByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string?> _hashByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _heldHashes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AssemblyRef> _refsByName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The session whose uploads these are.</summary>
    public Guid SessionId { get; } = sessionId;

    /// <summary>The uploaded assemblies this context knows (a checkpoint of its values records them).</summary>
    public IReadOnlyList<AssemblyRef> Uploads => _refsByName.Values.ToArray();
    private readonly Lock _loading = new();

    /// <summary>Makes an uploaded assembly known under its simple name.</summary>
    public void Register(AssemblyRef reference, byte[] bytes)
    {
        var name = new AssemblyName(reference.FullName).Name!;
        // Engines of one silo prepare the same upload at the same time: another engine must never see
        // the name known (Knows) before its build is (Holds), or it would report a second build.
        lock (_registering)
        {
            if (!_bytesByName.TryAdd(name, bytes)) return;
            _refsByName[name] = reference;
            _hashByName[name] = reference.ContentHash;
            if (reference.ContentHash is not null) _heldHashes.TryAdd(reference.ContentHash, 0);
        }
    }

    private readonly Lock _registering = new();

    /// <summary>
    /// Whether this context holds the build with that content hash: the check every task makes, so
    /// it is one lookup (parsing the assembly's name, as <see cref="Holds"/> does, costs microseconds).
    /// </summary>
    public bool HoldsBuild(string contentHash) => _heldHashes.ContainsKey(contentHash);

    /// <summary>The uploaded image of an assembly this context loaded (null for its private copies).</summary>
    public byte[]? ImageOf(Assembly assembly) =>
        GetLoadContext(assembly) == this && !IsPrivateCopy(assembly.GetName().Name!)
        && _bytesByName.TryGetValue(assembly.GetName().Name!, out var bytes) ? bytes : null;

    /// <summary>The images of every uploaded assembly loaded so far (what scripts may reference).</summary>
    public IEnumerable<byte[]> LoadedImages => Assemblies.Select(ImageOf).OfType<byte[]>();

    /// <summary>Whether this context has exactly that build (by content hash) under the reference's name.</summary>
    public bool Holds(AssemblyRef reference)
    {
        var name = new AssemblyName(reference.FullName).Name!;
        lock (_registering) return _hashByName.TryGetValue(name, out var hash) && hash == reference.ContentHash;
    }

    public bool Knows(AssemblyRef reference)
    {
        var name = new AssemblyName(reference.FullName).Name!;
        lock (_registering) return _bytesByName.ContainsKey(name);
    }

    /// <summary>
    /// Assemblies each session gets its own copy of, from the silo's files: the graph codec and
    /// Json.NET cache types in statics, and a copy in this context takes those caches (and so its
    /// hold on this session's types) with it when the context unloads.
    /// </summary>
    internal static readonly string[] PrivateCopies = ["Newtonsoft.Json", "Orleans.Parallel.Values"];

    private static bool IsPrivateCopy(string name) => PrivateCopies.Contains(name, StringComparer.OrdinalIgnoreCase);

    protected override Assembly? Load(AssemblyName assemblyName) => AssemblyFor(assemblyName);

    /// <summary>Finds a name in <paramref name="context"/>: a session's own assemblies, else the silo's.</summary>
    public static Assembly Resolve(AssemblyLoadContext context, AssemblyName name) =>
        (context as SessionLoadContext)?.AssemblyFor(name) ?? Default.LoadFromAssemblyName(name);

    /// <summary>The session's own assembly of that name (uploaded, or its private copy), or null.</summary>
    public Assembly? AssemblyFor(AssemblyName assemblyName)
    {
        var name = assemblyName.Name!;
        var isCopy = IsPrivateCopy(name);
        if (!isCopy && !_bytesByName.ContainsKey(name)) return null;
        lock (_loading)
        {
            var loaded = Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));
            if (loaded is not null) return loaded;
            return isCopy
                ? LoadFromAssemblyPath(Default.LoadFromAssemblyName(assemblyName).Location)
                : LoadFromStream(new MemoryStream(_bytesByName[name], writable: false));
        }
    }
}
