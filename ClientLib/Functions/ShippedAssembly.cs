using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Functions;

/// <summary>How one assembly of the client reaches engines: by name (silos have it) or uploaded by content hash.</summary>
internal sealed class ShippedAssembly
{
    /// <summary>
    /// The shared frameworks' root (<c>dotnet/shared</c>): .NET itself, and ASP.NET Core, which silos load
    /// too (their health port is an ASP.NET Core app). A client that is a web app, or references one,
    /// would otherwise upload ASP.NET Core's assemblies with its first function, to every silo, per session.
    /// </summary>
    private static readonly string FrameworkDirectory =
        Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar)))!; // shared/Microsoft.NETCore.App/10.0.x

    private ShippedAssembly(Assembly assembly, byte[]? bytes)
    {
        Assembly = assembly;
        Bytes = bytes;
        Reference = new AssemblyRef(assembly.FullName!, assembly.ManifestModule.ModuleVersionId,
            bytes is null ? null : Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public Assembly Assembly { get; }
    public AssemblyRef Reference { get; }

    /// <summary>The file's bytes when the assembly must be uploaded; null when every silo has it.</summary>
    public byte[]? Bytes { get; }

    public static ShippedAssembly Of(Assembly assembly)
    {
        if (IsEverywhere(assembly)) return new ShippedAssembly(assembly, null);
        if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location))
            throw new ArgumentException(
                $"Assembly {assembly.GetName().Name} exists only in memory, so its code cannot be sent to engines. " +
                "Define the function in a compiled assembly, or send it as script text with Execute.");
        return new ShippedAssembly(assembly, File.ReadAllBytes(assembly.Location));
    }

    /// <summary>
    /// The assemblies this client library is built on (Orleans, Microsoft.Extensions, Orleans.Parallel's
    /// contracts): every silo has them, because the silo is built on the same ones.
    /// </summary>
    private static readonly Lazy<HashSet<string>> SharedWithSilos = new(() =>
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<AssemblyName>([typeof(ShippedAssembly).Assembly.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (!names.Add(name.Name!)) continue;
            try
            {
                foreach (var reference in Assembly.Load(name).GetReferencedAssemblies()) pending.Push(reference);
            }
            catch (FileNotFoundException) { /* a reference never loaded at run time */ }
        }
        return names;
    });

    /// <summary>
    /// The silo's own assemblies. A client that references them (it hosts a <c>LocalCluster</c>) calls
    /// into whatever build the silo runs: a second copy in a session would make a second set of the
    /// silo's types (its script globals among them), and a silo built elsewhere (a container image)
    /// never has the client's build.
    /// </summary>
    private static readonly HashSet<string> SiloOwn = new(StringComparer.OrdinalIgnoreCase) { "Orleans.Parallel.Grains", "Orleans.Parallel.Hosting", "Orleans.Parallel.Silo" };

    /// <summary>Framework assemblies and those the client library shares with silos: silos load their own copies by name.</summary>
    private static bool IsEverywhere(Assembly assembly)
    {
        if (assembly.IsDynamic) return false;
        var name = assembly.GetName().Name!;
        if (SharedWithSilos.Value.Contains(name) || SiloOwn.Contains(name)) return true;
        var location = assembly.Location;
        return !string.IsNullOrEmpty(location)
            && Path.GetDirectoryName(Path.GetFullPath(location))!.StartsWith(FrameworkDirectory, StringComparison.Ordinal);
    }
}
