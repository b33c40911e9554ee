using System.Reflection;
using Orleans.Parallel.Values;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Functions;

/// <summary>
/// One walk over the values of a request (a function and its arguments, or pushed values): turns
/// delegates and closures into data, checks that every captured value can travel, numbers closure
/// objects so cycles become back-references, and collects the assemblies engines will need.
/// </summary>
internal sealed class CaptureWalk(FunctionShipper shipper)
{
    // Both made on first use: a walk over plain values (most calls) needs neither.
    private Dictionary<object, int>? _closureIds;
    private Dictionary<string, ShippedAssembly>? _uploads;
    private List<Task>? _methodUploads;

    /// <summary>Completes when the cluster has every assembly met in the walk.</summary>
    public Task Uploaded
    {
        get
        {
            var values = _uploads is null ? Task.CompletedTask : shipper.Uploader.Upload(_uploads.Values);
            if (_methodUploads is null) return values;
            return values.IsCompletedSuccessfully && _methodUploads.Count == 1 ? _methodUploads[0] : Task.WhenAll([.. _methodUploads, values]);
        }
    }

    /// <summary>A value as it travels; one nested deeper than <see cref="ValueDepth.Limit"/> levels is refused here, before anything walks it recursively.</summary>
    public object? Value(object? value, string path)
    {
        ValueDepth.Check(value, path);
        return Value(value, path, fieldsUsed: null);
    }

    /// <summary>A delegate as it travels; its payload lists the uploaded assemblies it needs.</summary>
    public FunctionPayload Function(Delegate function, string path) => Function(function, path, out _);

    /// <summary>A delegate as it travels, and the description of its method.</summary>
    public FunctionPayload Function(Delegate function, string path, out FunctionShipper.MethodDescription method)
    {
        ValueDepth.Check(function, path); // its captures nest too
        return Describe(function, path, out method);
    }

    /// <summary><see cref="Function(Delegate, string, out FunctionShipper.MethodDescription)"/> for a delegate inside a value whose depth was checked already.</summary>
    private FunctionPayload Describe(Delegate function, string path, out FunctionShipper.MethodDescription method)
    {
        method = shipper.Method(function, path);
        var uploaded = method.Uploaded(shipper.Uploader);
        if (!uploaded.IsCompletedSuccessfully) (_methodUploads ??= []).Add(uploaded);
        if (function.Target is null) return method.Payload; // the same instance every call: a batch carries it once
        var used = ClosureFieldScanner.IsCompilerGenerated(function.Target.GetType()) ? ClosureFieldScanner.UsedBy(function.Method) : null;
        return method.Payload with { Target = Value(function.Target, path + ".Target", used) };
    }

    private void RequireAssembly(Assembly assembly)
    {
        foreach (var shipped in shipper.Uploader.Closure(assembly)) Require(shipped);
    }

    private void Require(ShippedAssembly shipped)
    {
        if (shipped.Bytes is not null) (_uploads ??= []).TryAdd(shipped.Reference.ContentHash!, shipped);
    }

    private object? Value(object? value, string path, IReadOnlySet<FieldInfo>? fieldsUsed)
    {
        switch (value)
        {
            case null:
                return null;
            case Delegate d:
                return Describe(d, path, out _);
            case Connection.ArraySlice:
                return value; // a block of a primitive array, sent as bytes
        }
        var type = value.GetType();
        Untransportable.Check(type, path);
        if (MemoryValue.IsPrimitiveMemory(type)) return value; // sent as its array's bytes
        if (!ClosureFieldScanner.IsCompilerGenerated(type))
            return OrleansCarriage.Carries(shipper.Serializer, value) ? value : UserValue(value, path);
        _closureIds ??= new(ReferenceEqualityComparer.Instance);
        if (_closureIds.TryGetValue(value, out var seen)) return new ClosureRef(seen);
        var id = _closureIds.Count;
        _closureIds[value] = id;
        RequireAssembly(type.Assembly);
        var fields = shipper.FieldsOf(type).Where(f => fieldsUsed is null || fieldsUsed.Contains(f));
        return new ClosureValue(id, type.AssemblyQualifiedName!, fields
            .Select(f => new ClosureField(f.Name, Field(f, value, path, fieldsUsed)))
            .ToArray());
    }

    /// <summary>
    /// A value Orleans cannot carry (the user's own types), written whole by the graph codec; every
    /// type in it is checked and its assembly uploaded, like a closure's.
    /// </summary>
    private UserValue UserValue(object value, string path)
    {
        var uploaded = new Dictionary<string, AssemblyRef>();
        void Seen(Type type)
        {
            Untransportable.Check(type, $"A value inside {path}");
            foreach (var assembly in AssembliesOf(type))
            foreach (var shipped in shipper.Uploader.Closure(assembly))
            {
                Require(shipped);
                if (shipped.Bytes is not null) uploaded.TryAdd(shipped.Reference.ContentHash!, shipped.Reference);
            }
        }
        try
        {
            var data = GraphCodec.Serialize(value, Seen); // fills uploaded: the assemblies come from the types written
            return new UserValue(value.GetType().FullName ?? value.GetType().Name, uploaded.Values.ToArray(), data);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"{path} cannot be sent to an engine. {e.Message}", e);
        }
    }

    private static IEnumerable<Assembly> AssembliesOf(Type type)
    {
        yield return type.Assembly;
        if (type.HasElementType)
            foreach (var a in AssembliesOf(type.GetElementType()!)) yield return a;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
            foreach (var a in AssembliesOf(argument)) yield return a;
    }

    private object? Field(FieldInfo field, object owner, string path, IReadOnlySet<FieldInfo>? fieldsUsed)
    {
        var fieldPath = $"{path}.{field.Name}";
        Untransportable.Check(field.FieldType, fieldPath);
        return Value(field.GetValue(owner), fieldPath, fieldsUsed);
    }
}
