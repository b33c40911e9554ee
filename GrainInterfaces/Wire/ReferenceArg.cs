namespace Orleans.Parallel.Wire;

/// <summary>An argument that the engine replaces by its namespace variable <paramref name="Name"/>.</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="ExpectedType">Assembly-qualified name of the type the caller expects, or null for any.</param>
[GenerateSerializer, Immutable, Alias("op.ReferenceArg")]
public sealed record ReferenceArg([property: Id(0)] string Name, [property: Id(1)] string? ExpectedType);
