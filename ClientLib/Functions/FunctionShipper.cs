using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Functions;

/// <summary>
/// Turns delegates into <see cref="FunctionPayload"/>s and values into what travels (through a
/// <see cref="CaptureWalk"/> per request), caching what does not change between calls: a method's
/// description and the assemblies it needs.
/// </summary>
internal sealed class FunctionShipper(IGrainFactory grains, Orleans.Serialization.Serializer serializer)
{
    /// <summary>Decides which values can travel, before anything is sent.</summary>
    public Orleans.Serialization.Serializer Serializer { get; } = serializer;

    private readonly ConcurrentDictionary<(MethodInfo, Type), MethodDescription> _methods = new();
    private readonly ConcurrentDictionary<Type, FieldInfo[]> _fields = new();

    public AssemblyUploader Uploader { get; } = new(grains);

    /// <summary>A method as it travels, without its target, and the assemblies it needs.</summary>
    public sealed record MethodDescription(FunctionPayload Payload, IReadOnlyList<ShippedAssembly> Needs);

    /// <summary>A function ready to send, and the uploads that must finish first.</summary>
    public readonly record struct Prepared(FunctionPayload Payload, CaptureWalk Walk);

    /// <summary>Describes <paramref name="function"/>; throws at once if it cannot be shipped.</summary>
    public Prepared Prepare(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var walk = new CaptureWalk(this);
        return new Prepared(walk.Function(function, "function"), walk);
    }

    public CaptureWalk Walk() => new(this);

    public FieldInfo[] FieldsOf(Type closureType) =>
        _fields.GetOrAdd(closureType, t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));

    public MethodDescription Method(Delegate function, string path)
    {
        if (function.HasSingleTarget is false)
            throw new ArgumentException($"{path} is a multicast delegate; send one method at a time.", nameof(function));
        if (function.Method is System.Reflection.Emit.DynamicMethod || function.Method.DeclaringType is null)
            throw new ArgumentException($"{path} is a dynamic method (a compiled expression tree?); it has no assembly to send.", nameof(function));
        return _methods.GetOrAdd((function.Method, function.GetType()), key => Describe(key.Item1, key.Item2, path));
    }

    private MethodDescription Describe(MethodInfo method, Type delegateType, string path)
    {
        var declaring = method.DeclaringType!;
        if (declaring.IsGenericType)
            throw new ArgumentException(
                $"{path} is declared in the generic type {declaring}; lambdas inside generic types cannot be sent yet. " +
                "Move the function into a non-generic class.", nameof(method));
        var needs = new List<ShippedAssembly>(Uploader.Closure(declaring.Assembly));
        foreach (var t in method.GetGenericArguments()) AddTypeAssemblies(t, needs);
        var definition = method.IsGenericMethod ? method.GetGenericMethodDefinition() : method;
        var payload = new FunctionPayload(
            needs[0].Reference,
            declaring.FullName!,
            definition.MetadataToken,
            method.Name,
            definition.GetParameters().Select(p => p.ParameterType.AssemblyQualifiedName ?? p.ParameterType.FullName ?? p.ParameterType.Name).ToArray(),
            method.GetGenericArguments().Select(t => t.AssemblyQualifiedName!).ToArray(),
            delegateType.AssemblyQualifiedName!,
            Target: null,
            Uploaded: []);
        return new MethodDescription(payload, needs.DistinctBy(n => n.Reference.FullName).ToArray());
    }

    private void AddTypeAssemblies(Type type, List<ShippedAssembly> needs)
    {
        needs.AddRange(Uploader.Closure(type.Assembly));
        if (type.HasElementType) AddTypeAssemblies(type.GetElementType()!, needs);
        foreach (var arg in type.GetGenericArguments()) AddTypeAssemblies(arg, needs);
    }
}
