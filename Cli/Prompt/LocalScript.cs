using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// <c>%local</c>: C# run on the client, each submission continuing the last (one persistent
/// <see cref="ScriptState"/>), so its variables can be pushed to the engines.
/// </summary>
internal sealed class LocalScript
{
    private static readonly ScriptOptions Options = ScriptOptions.Default
        .AddImports("System", "System.Linq", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks")
        .AddReferences(typeof(Enumerable).Assembly);

    private ScriptState<object?>? _state;

    /// <summary>Runs <paramref name="code"/>; the value of a final expression, if any.</summary>
    /// <exception cref="CompilationErrorException">The code does not compile (its diagnostics say where).</exception>
    public async Task<object?> RunAsync(string code, CancellationToken cancellationToken)
    {
        _state = _state is null
            ? await CSharpScript.RunAsync<object?>(code, Options, cancellationToken: cancellationToken)
            : await _state.ContinueWithAsync<object?>(code, Options, cancellationToken: cancellationToken);
        return _state.ReturnValue;
    }

    /// <summary>The current value of a variable declared by an earlier submission.</summary>
    public bool TryGet(string name, out object? value)
    {
        if (_state?.GetVariable(name) is { } variable)
        {
            value = variable.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The compiler's messages about code that did not compile, each with its 1-based line and column.</summary>
    public static IEnumerable<string> Describe(CompilationErrorException error) => error.Diagnostics.Select(d =>
    {
        var where = d.Location.GetLineSpan().StartLinePosition;
        return $"{d.Severity.ToString().ToLowerInvariant()} {d.Id} at line {where.Line + 1}, column {where.Character + 1}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    });
}
