using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Functions;

/// <summary>How one assembly of the client reaches engines: by name (silos have it) or uploaded by content hash.</summary>
internal sealed class ShippedAssembly
{
    private static readonly string FrameworkDirectory =
        Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);

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

    /// <summary>Framework assemblies and those of Orleans and Orleans.Parallel: silos load their own copies by name.</summary>
    private static bool IsEverywhere(Assembly assembly)
    {
        if (assembly.IsDynamic) return false;
        var name = assembly.GetName().Name ?? "";
        if (name.StartsWith("Orleans.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            return true;
        var location = assembly.Location;
        return !string.IsNullOrEmpty(location)
            && Path.GetDirectoryName(Path.GetFullPath(location))!.StartsWith(FrameworkDirectory, StringComparison.Ordinal);
    }
}
