using System.Reflection;
using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// A collectible home for script assemblies. Roslyn's own loader puts every script in a context
/// that is never freed, so an engine running thousands of distinct scripts would grow without end;
/// this context is unloaded when its compiled script leaves the cache, or when its chain ends. Names
/// it does not hold resolve to the assemblies of an earlier context (<paramref name="earlier"/>: the
/// shared one whose submissions a chain continues), then to the exact assemblies of the variables'
/// types, then through the session's context.
/// </summary>
internal sealed class ScriptLoadContext(IReadOnlyDictionary<string, Assembly> variableAssemblies, AssemblyLoadContext session, ScriptLoadContext? earlier = null)
    : AssemblyLoadContext("op-scripts", isCollectible: true)
{
    /// <summary>Loads a submission; later submissions find it by name.</summary>
    public Assembly Add(ScriptImage image) => LoadFromStream(new MemoryStream(image.Image, writable: false));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Found through Assemblies, not a field: a collectible context holding its own assemblies never unloads.
        var script = Assemblies.FirstOrDefault(a => a.GetName().Name == assemblyName.Name)
            ?? earlier?.Assemblies.FirstOrDefault(a => a.GetName().Name == assemblyName.Name);
        if (script is not null) return script;
        if (variableAssemblies.TryGetValue(assemblyName.Name!, out var known)) return known;
        return (session as Code.SessionLoadContext)?.AssemblyFor(assemblyName);
    }
}
