namespace Orleans.Parallel.Wire;

/// <summary>A delegate as data: which method, on which closure object, from which assemblies.</summary>
/// <param name="Assembly">The assembly that declares the method.</param>
/// <param name="DeclaringType">The declaring type's full name (nested types with '+').</param>
/// <param name="MetadataToken">The method's token; valid when the engine loads the same build (<see cref="AssemblyRef.Mvid"/>).</param>
/// <param name="MethodName">The method's name, used with <paramref name="ParameterTypes"/> when the build differs.</param>
/// <param name="ParameterTypes">Assembly-qualified names of the parameter types.</param>
/// <param name="GenericArguments">Assembly-qualified names of a generic method's type arguments.</param>
/// <param name="DelegateType">Assembly-qualified name of the delegate type.</param>
/// <param name="Target">The delegate's target: null (static), a <see cref="ClosureValue"/>, or a plain value.</param>
/// <param name="Uploaded">Every uploaded assembly the function may need, for name resolution on the engine.</param>
[GenerateSerializer, Alias("op.FunctionPayload")]
public sealed record FunctionPayload(
    [property: Id(0)] AssemblyRef Assembly,
    [property: Id(1)] string DeclaringType,
    [property: Id(2)] int MetadataToken,
    [property: Id(3)] string MethodName,
    [property: Id(4)] IReadOnlyList<string> ParameterTypes,
    [property: Id(5)] IReadOnlyList<string> GenericArguments,
    [property: Id(6)] string DelegateType,
    [property: Id(7)] object? Target,
    [property: Id(8)] IReadOnlyList<AssemblyRef> Uploaded);
