using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Orleans.Parallel.Code;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Functions;

/// <summary>
/// Turns delegates into <see cref="FunctionPayload"/>s (checking on the client that every captured
/// value can travel) and uploads the assemblies they need, once per cluster, by content hash.
/// </summary>
internal sealed class FunctionShipper(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<Assembly, ShippedAssembly[]> _closures = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _uploads = new();
    private readonly ConcurrentDictionary<Type, FieldInfo[]> _closureFields = new();

    /// <summary>A function ready to send, and the uploads that must finish first.</summary>
    public readonly record struct Prepared(FunctionPayload Payload, Task Uploaded);

    /// <summary>Describes <paramref name="function"/>; throws at once if it cannot be shipped.</summary>
    public Prepared Prepare(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var uploads = new Dictionary<string, ShippedAssembly>();
        var payload = Describe(function, "function", uploads);
        return new Prepared(payload, Upload(uploads.Values));
    }

    /// <summary>Describes a delegate; its payload lists every assembly it needs, which are also added to <paramref name="uploads"/>.</summary>
    private FunctionPayload Describe(Delegate function, string path, Dictionary<string, ShippedAssembly> uploads)
    {
        var own = new Dictionary<string, ShippedAssembly>();
        var payload = DescribeMethod(function, path, own);
        foreach (var (hash, shipped) in own) uploads.TryAdd(hash, shipped);
        return payload with { Uploaded = own.Values.Select(u => u.Reference).ToArray() };
    }

    private FunctionPayload DescribeMethod(Delegate function, string path, Dictionary<string, ShippedAssembly> uploads)
    {
        if (function.HasSingleTarget is false)
            throw new ArgumentException($"{path} is a multicast delegate; send one method at a time.", nameof(function));
        var method = function.Method;
        if (method is System.Reflection.Emit.DynamicMethod || method.DeclaringType is null)
            throw new ArgumentException(
                $"{path} is a dynamic method (a compiled expression tree?); it has no assembly to send.", nameof(function));
        var declaring = method.DeclaringType;
        if (declaring.IsGenericType && !declaring.IsGenericTypeDefinition)
            throw new ArgumentException(
                $"{path} is declared in the generic type {declaring}; lambdas inside generic types cannot be sent yet. " +
                "Move the function into a non-generic class.", nameof(function));
        Require(declaring.Assembly, uploads);
        foreach (var t in method.GetGenericArguments()) RequireType(t, uploads);
        var definition = method.IsGenericMethod ? ((MethodInfo)method).GetGenericMethodDefinition() : method;
        return new FunctionPayload(
            Shipped(declaring.Assembly).Reference,
            declaring.FullName!,
            definition.MetadataToken,
            method.Name,
            definition.GetParameters().Select(p => p.ParameterType.AssemblyQualifiedName ?? p.ParameterType.FullName ?? p.ParameterType.Name).ToArray(),
            method.GetGenericArguments().Select(t => t.AssemblyQualifiedName!).ToArray(),
            function.GetType().AssemblyQualifiedName!,
            DescribeValue(function.Target, path + ".Target", uploads),
            []);
    }

    /// <summary>A captured or argument value as it travels: closures and delegates become data, the rest is checked.</summary>
    public object? DescribeValue(object? value, string path, Dictionary<string, ShippedAssembly> uploads)
    {
        switch (value)
        {
            case null:
                return null;
            case Delegate d:
                return Describe(d, path, uploads);
        }
        var type = value.GetType();
        Untransportable.Check(type, path);
        if (!IsClosure(type)) return value;
        Require(type.Assembly, uploads);
        var fields = _closureFields.GetOrAdd(type, t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));
        return new ClosureValue(type.AssemblyQualifiedName!,
            fields.Select(f => new ClosureField(f.Name, DescribeValue(f.GetValue(value), $"{path}.{f.Name}", uploads, f.FieldType))).ToArray());
    }

    private object? DescribeValue(object? value, string path, Dictionary<string, ShippedAssembly> uploads, Type declared)
    {
        Untransportable.Check(declared, path);
        return DescribeValue(value, path, uploads);
    }

    private static bool IsClosure(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) && type.Name.StartsWith('<');

    private void RequireType(Type type, Dictionary<string, ShippedAssembly> uploads)
    {
        Require(type.Assembly, uploads);
        if (type.HasElementType) RequireType(type.GetElementType()!, uploads);
        foreach (var arg in type.GetGenericArguments()) RequireType(arg, uploads);
    }

    private void Require(Assembly assembly, Dictionary<string, ShippedAssembly> uploads)
    {
        foreach (var shipped in _closures.GetOrAdd(assembly, DependencyClosure))
            if (shipped.Bytes is not null) uploads.TryAdd(shipped.Reference.ContentHash!, shipped);
    }

    private ShippedAssembly Shipped(Assembly assembly) => _closures.GetOrAdd(assembly, DependencyClosure)[0];

    /// <summary>The assembly and every assembly it references that silos do not have, itself first.</summary>
    private static ShippedAssembly[] DependencyClosure(Assembly root)
    {
        var result = new List<ShippedAssembly>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!)) continue;
            var shipped = ShippedAssembly.Of(assembly);
            result.Add(shipped);
            if (shipped.Bytes is null) continue;
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (seen.Contains(name.Name!)) continue;
                try { pending.Push(Assembly.Load(name)); }
                catch (FileNotFoundException) { /* referenced but never needed at run time */ }
            }
        }
        return result.ToArray();
    }

    /// <summary>Uploads what the cluster lacks; completes at once when everything is there already.</summary>
    public Task Upload(IEnumerable<ShippedAssembly> assemblies)
    {
        var tasks = assemblies.Select(a => _uploads.GetOrAdd(a.Reference.ContentHash!, _ => new Lazy<Task>(() => UploadAsync(a))).Value)
            .Where(t => !t.IsCompletedSuccessfully).ToArray();
        return tasks.Length == 0 ? Task.CompletedTask : Task.WhenAll(tasks);
    }

    private async Task UploadAsync(ShippedAssembly assembly)
    {
        var store = grains.GetGrain<IAssemblyStoreGrain>(assembly.Reference.ContentHash!);
        try
        {
            if (!await store.ContainsAsync().ConfigureAwait(false)) await store.UploadAsync(assembly.Bytes!).ConfigureAwait(false);
        }
        catch
        {
            _uploads.TryRemove(assembly.Reference.ContentHash!, out _);
            throw;
        }
    }
}
