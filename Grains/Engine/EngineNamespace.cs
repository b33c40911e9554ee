namespace Orleans.Parallel.Grains.Engine;

/// <summary>An engine's variables by name. Touched only from the engine thread.</summary>
internal sealed class EngineNamespace
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, object?> Values => _values;

    public void Set(string name, object? value) => _values[name] = value;

    public object? Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new UnknownVariableException(name);

    /// <summary>The state after the last script, which later scripts continue when they need its types.</summary>
    public Microsoft.CodeAnalysis.Scripting.ScriptState<object>? LastScript { get; set; }

    public void Clear()
    {
        _values.Clear();
        LastScript = null;
    }
}
