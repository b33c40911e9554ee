namespace Orleans.Parallel.Grains.Engine;

/// <summary>An engine's variables by name. Touched only from the engine thread.</summary>
internal sealed class EngineNamespace
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, object?> Values => _values;

    public void Set(string name, object? value) => _values[name] = value;

    public object? Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new UnknownVariableException(name);

    /// <summary>
    /// The last script chain, kept only while a variable holds a value of a type it declared (later
    /// scripts continue it to name that type). Replacing it unloads the old one once unused.
    /// </summary>
    public Execution.Scripts.ScriptChain? Chain
    {
        get => _chain;
        set
        {
            if (_chain is not null && _chain != value) _chain.Dispose();
            _chain = value;
        }
    }

    private Execution.Scripts.ScriptChain? _chain;

    public void Clear()
    {
        _values.Clear();
        Chain = null;
    }
}
