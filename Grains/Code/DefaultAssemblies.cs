using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// Finds an assembly already loaded in the silo's default context by its build (module version id).
/// Asked on every task for every uploaded assembly, and the answer is usually "no" (the user's code
/// lives in a session context), so the map is kept current by the load event instead of rescanning.
/// </summary>
internal static class DefaultAssemblies
{
    private static readonly ConcurrentDictionary<Guid, Assembly> Known = new();

    static DefaultAssemblies()
    {
        // Subscribed before the first scan, so an assembly loaded in between is not missed.
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Add(e.LoadedAssembly);
        foreach (var assembly in AssemblyLoadContext.Default.Assemblies) Add(assembly);
    }

    private static void Add(Assembly assembly)
    {
        if (assembly.IsDynamic || AssemblyLoadContext.GetLoadContext(assembly) != AssemblyLoadContext.Default) return;
        Known.TryAdd(assembly.ManifestModule.ModuleVersionId, assembly);
    }

    public static Assembly? ByMvid(Guid mvid) => Known.TryGetValue(mvid, out var assembly) ? assembly : null;
}
