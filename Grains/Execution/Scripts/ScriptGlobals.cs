namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// What a script sees besides its own declarations: the namespace it starts from, and the task's
/// cancellation token. The prelude that precedes every script declares each namespace variable the
/// script names with its runtime type from this.
/// </summary>
public sealed class ScriptGlobals(IReadOnlyDictionary<string, object?> ns, CancellationToken cancellationToken = default, object[]? literals = null)
{
    /// <summary>The engine's namespace when the script started (read by the generated prelude).</summary>
    public IReadOnlyDictionary<string, object?> __ns__ { get; } = ns;

    /// <summary>
    /// Cancelled when the client aborts this task while it runs (<c>ar.AbortAsync()</c>): a long
    /// script checks it (<c>CancellationToken.ThrowIfCancellationRequested()</c>) or passes it on.
    /// </summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The literal values of this run's script, read by its compiled template (<see cref="ScriptTemplate"/>).</summary>
    public object[] __ns_lit__ { get; } = literals ?? [];
}
