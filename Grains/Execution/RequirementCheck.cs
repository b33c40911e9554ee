using System.Reflection;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// Whether this engine meets a load-balanced task's requirement (ipyparallel's <c>@require</c>).
/// Runs on the engine thread, before the task; an engine that does not meet it is skipped.
/// </summary>
internal static class RequirementCheck
{
    /// <summary>Why the engine does not meet <paramref name="require"/>, or null when it does.</summary>
    public static string? Unmet(TaskRequirement require, Guid session, EngineNamespace ns, FunctionMaterializer functions)
    {
        foreach (var name in require.Variables)
            if (!ns.Values.ContainsKey(name)) return $"its namespace has no variable '{name}'";
        foreach (var name in require.Assemblies)
            if (!Loadable(name)) return $"assembly '{name}' cannot be loaded here";
        if (require.Predicate is null) return null;
        try
        {
            var predicate = functions.Materialize(new FunctionMaterializer.Scope(session), require.Predicate);
            return predicate.Invoke([]) is true ? null : "its predicate returned false";
        }
        catch (Exception e)
        {
            return $"its predicate threw {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Loaded in the process, or loadable by name (as importing a module would be).</summary>
    private static bool Loadable(string name)
    {
        if (AppDomain.CurrentDomain.GetAssemblies().Any(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase))) return true;
        try
        {
            Assembly.Load(new AssemblyName(name));
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            return false;
        }
    }
}
