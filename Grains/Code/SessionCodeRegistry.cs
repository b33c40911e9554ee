using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Orleans.Parallel.Code;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// Per silo: each client session's load context, and lookups of assemblies and types for the
/// functions and values that session sends.
/// </summary>
public sealed class SessionCodeRegistry(IAssemblySource store)
{
    private readonly ConcurrentDictionary<Guid, SessionLoadContext> _sessions = new();

    /// <summary>Fetches (in grain context) the bytes of every uploaded assembly the silo lacks.</summary>
    public async ValueTask PrepareAsync(Guid sessionId, IReadOnlyList<AssemblyRef> uploaded)
    {
        if (uploaded.Count == 0) return;
        SessionLoadContext? context = null;
        foreach (var reference in uploaded)
        {
            if (reference.ContentHash is null || DefaultAssemblies.ByMvid(reference.Mvid) is not null) continue;
            context ??= _sessions.TryGetValue(sessionId, out var known) ? known : _sessions.GetOrAdd(sessionId, id => new SessionLoadContext(id));
            if (context.HoldsBuild(reference.ContentHash)) continue;
            if (context.Knows(reference))
            {
                if (!context.Holds(reference))
                    throw new InvalidOperationException(
                        $"This client already sent another build of {reference.FullName} to the engine; one client can use one build of an assembly. " +
                        "Use a second client for the other build.");
                continue;
            }
            var bytes = await store.GetAsync(reference.ContentHash)
                ?? throw new InvalidOperationException(
                    $"Assembly {reference.FullName} ({reference.ContentHash}) was never uploaded to the cluster.");
            context.Register(reference, bytes);
        }
    }

    /// <summary>Whether <see cref="PrepareAsync"/> would have nothing to do: every uploaded assembly is the silo's or the session's already.</summary>
    public bool IsPrepared(Guid sessionId, IReadOnlyList<AssemblyRef> uploaded)
    {
        if (uploaded.Count == 0) return true;
        _sessions.TryGetValue(sessionId, out var context);
        foreach (var reference in uploaded)
        {
            if (reference.ContentHash is null || DefaultAssemblies.ByMvid(reference.Mvid) is not null) continue;
            if (context is null || !context.HoldsBuild(reference.ContentHash)) return false;
        }
        return true;
    }

    /// <summary>The context that resolves names for a session (the default one when it uploaded nothing).</summary>
    internal AssemblyLoadContext ContextFor(Guid sessionId) =>
        _sessions.TryGetValue(sessionId, out var context) ? context : AssemblyLoadContext.Default;

    /// <summary>Resolves one build of an assembly for a session.</summary>
    public Assembly Resolve(Guid sessionId, AssemblyRef reference) =>
        DefaultAssemblies.ByMvid(reference.Mvid)
        ?? SessionLoadContext.Resolve(ContextFor(sessionId), new AssemblyName(reference.FullName));

    /// <summary>Resolves an assembly-qualified type name in a session's context.</summary>
    public Type ResolveType(Guid sessionId, string assemblyQualifiedName) =>
        // Parsing a name costs tens of microseconds, and every call of a closure names its type.
        _types.GetOrAdd((sessionId, assemblyQualifiedName), key =>
        {
            var context = ContextFor(key.Session);
            return Type.GetType(key.Name, name => SessionLoadContext.Resolve(context, name), typeResolver: null, throwOnError: true)!;
        });

    private readonly ConcurrentDictionary<(Guid Session, string Name), Type> _types = new();

    /// <summary>The value codec for a session: a private copy in its context, or the silo's own when it uploaded nothing.</summary>
    internal SessionValueCodec CodecFor(Guid sessionId) =>
        _sessions.TryGetValue(sessionId, out var context)
            // Kept here, not in the context: the codec's delegates point into the context, which
            // must not reference its own assemblies (see SessionLoadContext).
            ? _codecs.GetOrAdd(sessionId, _ => new Lazy<SessionValueCodec>(() => SessionValueCodec.LoadInto(context))).Value
            : SessionValueCodec.Default;

    private readonly ConcurrentDictionary<Guid, Lazy<SessionValueCodec>> _codecs = new();

    /// <summary>The assemblies a session uploaded to this silo so far.</summary>
    internal IReadOnlyList<AssemblyRef> UploadsOf(Guid sessionId) =>
        _sessions.TryGetValue(sessionId, out var context) ? context.Uploads : [];

    /// <summary>Whether <paramref name="type"/> comes from the session's own (uploaded) assemblies.</summary>
    internal bool IsSessionType(Guid sessionId, Type type) =>
        _sessions.TryGetValue(sessionId, out var context) && AssemblyLoadContext.GetLoadContext(type.Assembly) == context;

    /// <summary>Drops a session's context; its assemblies unload once nothing references them.</summary>
    public void EndSession(Guid sessionId)
    {
        _codecs.TryRemove(sessionId, out _);
        foreach (var key in _types.Keys.Where(k => k.Session == sessionId).ToList()) _types.TryRemove(key, out _);
        if (_sessions.TryRemove(sessionId, out var context)) context.Unload();
    }
}
