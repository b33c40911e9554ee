using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>Script text did not compile; carries the compiler's diagnostics.</summary>
public sealed class ScriptCompilationException(IReadOnlyList<CompilerDiagnostic> diagnostics)
    : Exception("The code did not compile:\n" + string.Join("\n", diagnostics))
{
    /// <summary>The compiler's errors, positions within the submitted code.</summary>
    public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; } = diagnostics;

    /// <summary>The errors among <paramref name="diagnostics"/>, in source order.</summary>
    internal static ScriptCompilationException From(IEnumerable<Microsoft.CodeAnalysis.Diagnostic> diagnostics) =>
        new(diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceSpan.Start).Select(ToWire).ToArray());

    private static CompilerDiagnostic ToWire(Microsoft.CodeAnalysis.Diagnostic d)
    {
        var position = d.Location.GetLineSpan().StartLinePosition;
        return new CompilerDiagnostic(d.Id, d.Severity.ToString(), position.Line + 1, position.Character + 1, d.GetMessage());
    }
}
