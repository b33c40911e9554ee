namespace Orleans.Parallel.Engine;

/// <summary>An exception raised on an engine, as data.</summary>
/// <param name="ExceptionType">Full name of the remote exception's type.</param>
/// <param name="Message">The remote exception's message.</param>
/// <param name="StackTrace">The remote stack trace (inner exceptions appended).</param>
/// <param name="Diagnostics">Compiler diagnostics when the error is a compile error, else empty.</param>
[GenerateSerializer, Alias("op.RemoteError")]
public sealed record RemoteError(
    [property: Id(0)] string ExceptionType,
    [property: Id(1)] string Message,
    [property: Id(2)] string StackTrace,
    [property: Id(3)] IReadOnlyList<CompilerDiagnostic> Diagnostics);

/// <summary>One compiler message, positions 1-based within the submitted code.</summary>
[GenerateSerializer, Alias("op.CompilerDiagnostic")]
public sealed record CompilerDiagnostic(
    [property: Id(0)] string Id,
    [property: Id(1)] string Severity,
    [property: Id(2)] int Line,
    [property: Id(3)] int Column,
    [property: Id(4)] string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"({Line},{Column}): {Severity.ToLowerInvariant()} {Id}: {Message}";
}
