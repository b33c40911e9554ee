using System.Reflection;
using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// A collectible home for the assemblies of one script chain. Roslyn's own loader puts every script
/// in a context that is never freed, so an engine running thousands of distinct scripts would grow
/// without end; this context is unloaded when its chain ends. Names it does not hold resolve to the
/// exact assemblies of the namespace's variable types, then through the session's context.
/// </summary>
internal sealed class ScriptLoadContext(IReadOnlyDictionary<string, Assembly> variableAssemblies, AssemblyLoadContext session)
    : AssemblyLoadContext("op-scripts", isCollectible: true)
{
    private readonly Dictionary<string, Assembly> _scripts = new(StringComparer.Ordinal);

    /// <summary>Loads a submission; later submissions find it by name.</summary>
    public Assembly Add(ScriptImage image)
    {
        var assembly = LoadFromStream(new MemoryStream(image.Image, writable: false));
        _scripts[image.AssemblyName] = assembly;
        return assembly;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (_scripts.TryGetValue(assemblyName.FullName, out var script) || _scripts.TryGetValue(assemblyName.Name!, out script)) return script;
        if (variableAssemblies.TryGetValue(assemblyName.Name!, out var known)) return known;
        return session == Default ? null : session.LoadFromAssemblyName(assemblyName);
    }
}
