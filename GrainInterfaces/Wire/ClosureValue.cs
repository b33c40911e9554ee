namespace Orleans.Parallel.Wire;

/// <summary>A compiler-generated closure object (display class) as its type and the field values its functions use.</summary>
/// <param name="Id">Numbers the closure within one request, so a later <see cref="ClosureRef"/> can point back at it (recursive lambdas).</param>
/// <param name="TypeName">Assembly-qualified name of the closure type.</param>
/// <param name="Fields">Captured fields by name; values may be closures or functions themselves.</param>
[GenerateSerializer, Alias("op.ClosureValue")]
public sealed record ClosureValue(
    [property: Id(0)] int Id,
    [property: Id(1)] string TypeName,
    [property: Id(2)] IReadOnlyList<ClosureField> Fields);

/// <summary>One captured field.</summary>
[GenerateSerializer, Alias("op.ClosureField")]
public sealed record ClosureField([property: Id(0)] string Name, [property: Id(1)] object? Value);

/// <summary>The same closure object as the <see cref="ClosureValue"/> with this id, met earlier in the walk.</summary>
[GenerateSerializer, Immutable, Alias("op.ClosureRef")]
public sealed record ClosureRef([property: Id(0)] int Id);
