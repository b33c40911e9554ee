using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Code;

/// <summary>Finds an assembly already loaded in the silo's default context by its build (module version id).</summary>
internal static class DefaultAssemblies
{
    private static readonly ConcurrentDictionary<Guid, Assembly> Known = new();
    private static readonly Lock ScanLock = new();
    private static int _scannedCount = -1;

    public static Assembly? ByMvid(Guid mvid)
    {
        if (Known.TryGetValue(mvid, out var assembly)) return assembly;
        lock (ScanLock)
        {
            // Scans are serialised so a lookup never sees a half-filled map and wrongly reports a loaded assembly missing.
            var all = AssemblyLoadContext.Default.Assemblies.ToArray();
            if (all.Length != _scannedCount)
            {
                foreach (var a in all) Known.TryAdd(a.ManifestModule.ModuleVersionId, a);
                _scannedCount = all.Length;
            }
        }
        return Known.TryGetValue(mvid, out assembly) ? assembly : null;
    }
}
