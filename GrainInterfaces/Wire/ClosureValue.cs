namespace Orleans.Parallel.Wire;

/// <summary>A compiler-generated closure object (display class) as its type and field values.</summary>
/// <param name="TypeName">Assembly-qualified name of the closure type.</param>
/// <param name="Fields">Captured fields by name; values may be closures or functions themselves.</param>
[GenerateSerializer, Alias("op.ClosureValue")]
public sealed record ClosureValue(
    [property: Id(0)] string TypeName,
    [property: Id(1)] IReadOnlyList<ClosureField> Fields);

/// <summary>One captured field.</summary>
[GenerateSerializer, Alias("op.ClosureField")]
public sealed record ClosureField([property: Id(0)] string Name, [property: Id(1)] object? Value);
