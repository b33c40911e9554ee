namespace Orleans.Parallel.Grains.Engine;

/// <summary>An engine's variables by name. Touched only from the engine thread.</summary>
internal sealed class EngineNamespace
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, object?> Values => _values;

    public void Set(string name, object? value) => _values[name] = value;

    public object? Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new UnknownVariableException(name);

    public void Clear() => _values.Clear();
}

/// <summary>A task named a variable the engine's namespace does not hold.</summary>
public sealed class UnknownVariableException(string name)
    : KeyNotFoundException($"Name '{name}' is not defined in the engine's namespace. Push it or assign it in a script first.")
{
    /// <summary>The missing variable.</summary>
    public string VariableName { get; } = name;
}
