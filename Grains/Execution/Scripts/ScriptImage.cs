using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// One script submission compiled to an assembly image, with the name of its entry point (the
/// submission's factory). Loaded anew into the load context of each run, so no compiled script is
/// tied to a context that must outlive it.
/// </summary>
internal sealed record ScriptImage(string AssemblyName, byte[] Image, string EntryType, string EntryMethod)
{
    /// <summary>Emits the last submission of <paramref name="script"/>; its earlier submissions are referenced, not included.</summary>
    public static ScriptImage Emit(Script script, ExecuteClock? clock = null)
    {
        var compilation = script.GetCompilation(); // parses
        clock?.Lap(ExecuteClock.Phase.Prepare);
        if (clock is not null)
        {
            // Kept by the compilation, so Emit does not bind them again: timing them apart costs nothing.
            compilation.GetDeclarationDiagnostics();
            clock.Lap(ExecuteClock.Phase.Declare);
        }
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        clock?.Lap(ExecuteClock.Phase.Emit);
        if (!result.Success)
            throw result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)
                ? ScriptCompilationException.From(result.Diagnostics)
                : new InvalidOperationException("The compiler emitted no assembly for the script (is the submission empty?).");
        var entry = compilation.GetEntryPoint(CancellationToken.None)
            ?? throw new InvalidOperationException("A script compilation has no entry point.");
        var ns = entry.ContainingNamespace.MetadataName;
        var type = string.IsNullOrEmpty(ns) ? entry.ContainingType.MetadataName : ns + "." + entry.ContainingType.MetadataName;
        return new ScriptImage(compilation.AssemblyName!, pe.ToArray(), type, entry.MetadataName);
    }

    /// <summary>The submission's factory in a loaded copy of the image: it takes the submission array and runs the script.</summary>
    public Func<object[], Task<object>> Factory(Assembly loaded) =>
        loaded.GetType(EntryType, throwOnError: true)!.GetMethod(EntryMethod, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
            .CreateDelegate<Func<object[], Task<object>>>();
}
