using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>Script text did not compile; carries the compiler's diagnostics.</summary>
public sealed class ScriptCompilationException(IReadOnlyList<CompilerDiagnostic> diagnostics)
    : Exception("The code did not compile:\n" + string.Join("\n", diagnostics))
{
    /// <summary>The compiler's errors, positions within the submitted code.</summary>
    public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; } = diagnostics;
}
