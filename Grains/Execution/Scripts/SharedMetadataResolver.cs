using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// Finds the assemblies that a script's references depend on but that the script does not reference
/// itself (the silo's own assemblies depend on dozens). Roslyn's default resolver reads each such file
/// anew for every compilation, into native memory that lives as long as the compilation: about 80 MB
/// per script, so per new variable of an interactive session. This one resolves each file once per
/// silo and hands every compilation the same reference.
/// </summary>
internal sealed class SharedMetadataResolver : MetadataReferenceResolver
{
    public static readonly SharedMetadataResolver Instance = new();

    private readonly MetadataReferenceResolver _inner = ScriptOptions.Default.MetadataResolver;
    private readonly ConcurrentDictionary<string, PortableExecutableReference> _byPath = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<AssemblyIdentity, PortableExecutableReference?> _missing = new();

    private SharedMetadataResolver() { }

    /// <summary>The one reference to the file at <paramref name="path"/>, read once.</summary>
    public PortableExecutableReference FromFile(string path) =>
        _byPath.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));

    public override bool ResolveMissingAssemblies => true;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _missing.GetOrAdd(referenceIdentity, identity =>
            _inner.ResolveMissingAssembly(definition, identity) is { FilePath: { } path } ? FromFile(path) : null);

    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
        _inner.ResolveReference(reference, baseFilePath, properties)
            .Select(r => r.FilePath is { } path && properties == MetadataReferenceProperties.Assembly ? FromFile(path) : r)
            .ToImmutableArray();

    public override bool Equals(object? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => 0;
}
