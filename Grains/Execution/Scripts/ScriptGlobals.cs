namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// What a script sees besides its own declarations: the namespace it starts from. The prelude that
/// precedes every script declares each namespace variable with its runtime type from this.
/// </summary>
public sealed class ScriptGlobals(IReadOnlyDictionary<string, object?> ns)
{
    /// <summary>The engine's namespace when the script started (read by the generated prelude).</summary>
    public IReadOnlyDictionary<string, object?> __ns__ { get; } = ns;
}
