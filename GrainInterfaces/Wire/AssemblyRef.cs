namespace Orleans.Parallel.Wire;

/// <summary>Identifies one build of an assembly.</summary>
/// <param name="FullName">The assembly's full name.</param>
/// <param name="Mvid">The manifest module's version id: equal ids mean the same build.</param>
/// <param name="ContentHash">SHA-256 of the file, hex; set when the client uploaded it, null for assemblies every silo has (framework, Orleans).</param>
[GenerateSerializer, Immutable, Alias("op.AssemblyRef")]
public sealed record AssemblyRef(
    [property: Id(0)] string FullName,
    [property: Id(1)] Guid Mvid,
    [property: Id(2)] string? ContentHash);
