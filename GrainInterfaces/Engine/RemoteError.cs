namespace Orleans.Parallel.Engine;

/// <summary>An exception raised on an engine, as data.</summary>
/// <param name="ExceptionType">Full name of the remote exception's type.</param>
/// <param name="Message">The remote exception's message.</param>
/// <param name="StackTrace">The remote stack trace (inner exceptions appended).</param>
/// <param name="Diagnostics">Compiler diagnostics when the error is a compile error, else empty.</param>
/// <param name="Item">For a map: the index, within its chunk, of the item whose call raised it (null: the chunk failed as a whole).</param>
[GenerateSerializer, Alias("op.RemoteError")]
public sealed record RemoteError(
    [property: Id(0)] string ExceptionType,
    [property: Id(1)] string Message,
    [property: Id(2)] string StackTrace,
    [property: Id(3)] IReadOnlyList<CompilerDiagnostic> Diagnostics,
    [property: Id(4)] int? Item = null);

/// <summary>One failed item of a map chunk run with <see cref="MapRequest.ItemErrors"/>: its index in the chunk and its error.</summary>
[GenerateSerializer, Immutable, Alias("op.MapItemError")]
public sealed record MapItemError(
    [property: Id(0)] int Index,
    [property: Id(1)] RemoteError Error);

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
