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
    private readonly Dictionary<object, int> _closureIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, ShippedAssembly> _uploads = new();

    /// <summary>Completes when the cluster has every assembly met in the walk.</summary>
    public Task Uploaded => shipper.Uploader.Upload(_uploads.Values);

    /// <summary>A value as it travels.</summary>
    public object? Value(object? value, string path) => Value(value, path, fieldsUsed: null);

    /// <summary>A delegate as it travels; its payload lists the uploaded assemblies it needs.</summary>
    public FunctionPayload Function(Delegate function, string path)
    {
        var method = shipper.Method(function, path);
        foreach (var shipped in method.Needs) Require(shipped);
        var used = function.Target is { } target && ClosureFieldScanner.IsCompilerGenerated(target.GetType())
            ? ClosureFieldScanner.UsedBy(function.Method)
            : null;
        return method.Payload with
        {
            Target = Value(function.Target, path + ".Target", used),
            Uploaded = method.Needs.Where(n => n.Bytes is not null).Select(n => n.Reference).ToArray(),
        };
    }

    private void RequireAssembly(Assembly assembly)
    {
        foreach (var shipped in shipper.Uploader.Closure(assembly)) Require(shipped);
    }

    private void Require(ShippedAssembly shipped)
    {
        if (shipped.Bytes is not null) _uploads.TryAdd(shipped.Reference.ContentHash!, shipped);
    }

    private object? Value(object? value, string path, IReadOnlySet<FieldInfo>? fieldsUsed)
    {
        switch (value)
        {
            case null:
                return null;
            case Delegate d:
                return Function(d, path);
            case Connection.ArraySlice:
                return value; // a block of a primitive array, sent as bytes
        }
        var type = value.GetType();
        Untransportable.Check(type, path);
        if (MemoryValue.IsPrimitiveMemory(type)) return value; // sent as its array's bytes
        if (!ClosureFieldScanner.IsCompilerGenerated(type))
            return OrleansCarriage.Carries(shipper.Serializer, value) ? value : UserValue(value, path);
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
