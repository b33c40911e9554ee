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
    public sealed class MethodDescription(FunctionPayload payload, IReadOnlyList<ShippedAssembly> needs, int parameterCount)
    {
        /// <summary>The payload with no target; static functions send this very instance every time.</summary>
        public FunctionPayload Payload { get; } = payload;

        public IReadOnlyList<ShippedAssembly> Needs { get; } = needs;

        public int ParameterCount { get; } = parameterCount;

        private Task? _uploaded;

        /// <summary>
        /// Completes when the cluster has every assembly the method needs. Asked once per method:
        /// after that, a call of the same function costs no upload bookkeeping at all (a failed
        /// upload is asked for again on the next call).
        /// </summary>
        public Task Uploaded(AssemblyUploader uploader)
        {
            var uploaded = Volatile.Read(ref _uploaded);
            if (uploaded is null || uploaded.IsFaulted || uploaded.IsCanceled)
                Volatile.Write(ref _uploaded, uploaded = uploader.Upload(Needs));
            return uploaded;
        }
    }

    /// <summary>A function ready to send, and the uploads that must finish first.</summary>
    public readonly record struct Prepared(FunctionPayload Payload, CaptureWalk Walk, int ParameterCount)
    {
        private static readonly string[] ArgumentPaths = [.. Enumerable.Range(0, 16).Select(i => $"argument {i}")];

        /// <summary>The call's arguments as they travel, checked against the function's parameters.</summary>
        public object?[] Arguments(object?[] args)
        {
            if (ParameterCount != args.Length)
                throw new ArgumentException($"The function takes {ParameterCount} argument(s) but {args.Length} were given.", nameof(args));
            var walked = new object?[args.Length];
            for (var i = 0; i < args.Length; i++)
                walked[i] = args[i] switch
                {
                    Views.Reference r => r.ToWire(),
                    CancellationToken => null, // the engine gives the function the task's own token in its place
                    var value => Walk.Value(value, i < ArgumentPaths.Length ? ArgumentPaths[i] : $"argument {i}"),
                };
            return walked;
        }
    }

    /// <summary>Describes <paramref name="function"/>; throws at once if it cannot be shipped.</summary>
    public Prepared Prepare(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var walk = new CaptureWalk(this);
        var payload = walk.Function(function, "function", out var method);
        return new Prepared(payload, walk, method.ParameterCount);
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
        var distinct = needs.DistinctBy(n => n.Reference.FullName).ToArray();
        payload = payload with { Uploaded = distinct.Where(n => n.Bytes is not null).Select(n => n.Reference).ToArray() };
        return new MethodDescription(payload, distinct, method.GetParameters().Length);
    }

    private void AddTypeAssemblies(Type type, List<ShippedAssembly> needs)
    {
        needs.AddRange(Uploader.Closure(type.Assembly));
        if (type.HasElementType) AddTypeAssemblies(type.GetElementType()!, needs);
        foreach (var arg in type.GetGenericArguments()) AddTypeAssemblies(arg, needs);
    }
}
