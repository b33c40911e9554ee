using System.Reflection;
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
        }
        var type = value.GetType();
        Untransportable.Check(type, path);
        if (!ClosureFieldScanner.IsCompilerGenerated(type))
        {
            if (!shipper.Serializer.CanSerialize(type))
                throw new ArgumentException(
                    $"{path} is a {type.FullName}, which cannot be serialized to send to an engine. " +
                    "Send plain data (numbers, strings, arrays, collections), or create the object inside the function.");
            return value;
        }
        if (_closureIds.TryGetValue(value, out var seen)) return new ClosureRef(seen);
        var id = _closureIds.Count;
        _closureIds[value] = id;
        RequireAssembly(type.Assembly);
        var fields = shipper.FieldsOf(type).Where(f => fieldsUsed is null || fieldsUsed.Contains(f));
        return new ClosureValue(id, type.AssemblyQualifiedName!, fields
            .Select(f => new ClosureField(f.Name, Field(f, value, path, fieldsUsed)))
            .ToArray());
    }

    private object? Field(FieldInfo field, object owner, string path, IReadOnlySet<FieldInfo>? fieldsUsed)
    {
        var fieldPath = $"{path}.{field.Name}";
        Untransportable.Check(field.FieldType, fieldPath);
        return Value(field.GetValue(owner), fieldPath, fieldsUsed);
    }
}
