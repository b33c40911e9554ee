namespace Orleans.Parallel.Engine;

/// <summary>
/// One variable of an engine's namespace and the type of the value it holds, as C# writes it
/// (<c>int</c>, <c>double[]</c>, <c>List&lt;string&gt;</c>, a script's own <c>Point</c>); <c>null</c>
/// when the variable holds null. What the interactive prompt's <c>%who</c> lists.
/// </summary>
[GenerateSerializer, Immutable, Alias("op.NamespaceVariable")]
public sealed record NamespaceVariable(
    [property: Id(0)] string Name,
    [property: Id(1)] string TypeName)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TypeName}";
}
