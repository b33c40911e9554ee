using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Orleans.Parallel.Tests.Processes.FunctionShipping;

/// <summary>
/// Compiles small C# libraries at test time (Roslyn) into .dll files in a fresh temporary
/// directory: stand-ins for a NuGet dependency that neither the silo nor the test assembly has.
/// </summary>
internal static class LibraryBuilder
{
    private static readonly string RuntimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();

    /// <summary>The runtime's own assemblies, enough for plain library code.</summary>
    private static readonly MetadataReference[] FrameworkReferences =
        new[] { "System.Private.CoreLib.dll", "System.Runtime.dll", "System.Linq.dll", "System.Collections.dll" }
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(Path.Combine(RuntimeDirectory, f)))
            .ToArray();

    /// <summary>Compiles <paramref name="source"/> as library <paramref name="assemblyName"/> and returns the path of its .dll.</summary>
    public static string Emit(string assemblyName, string source, params string[] referencePaths)
    {
        var directory = Path.Combine(Path.GetTempPath(), "op-fs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, assemblyName + ".dll");
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            FrameworkReferences.Concat(referencePaths.Select(p => MetadataReference.CreateFromFile(p))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using (var file = File.Create(path))
        {
            var result = compilation.Emit(file);
            if (!result.Success)
                throw new InvalidOperationException($"{assemblyName} did not compile:\n" +
                    string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        return path;
    }

    /// <summary>A static method of a loaded library as a delegate of type <typeparamref name="TDelegate"/>.</summary>
    public static TDelegate StaticMethod<TDelegate>(Assembly assembly, string typeName, string methodName) where TDelegate : Delegate =>
        (assembly.GetType(typeName, throwOnError: true)!.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException(typeName, methodName)).CreateDelegate<TDelegate>();
}

/// <summary>A non-default load context that loads one library from its file.</summary>
internal sealed class PathLoadContext(string name) : AssemblyLoadContext(name, isCollectible: false)
{
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
