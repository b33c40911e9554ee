using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// What the prompt shows of a finished line, per engine in target order, as %px does: what it printed
/// (<c>[stdout:0]</c>, <c>[stderr:0]</c>), then its error, or the value of its final expression
/// (<c>[engine 0] Out: 10</c>).
/// </summary>
internal static class ResultLines
{
    public static IEnumerable<OutputLine> For(IReadOnlyList<TaskMetadata> tasks)
    {
        foreach (var task in tasks)
        {
            if (task.Stdout.Length > 0) yield return new OutputLine($"[stdout:{task.EngineId}]", Trimmed(task.Stdout), OutputKind.Stdout);
            if (task.Stderr.Length > 0) yield return new OutputLine($"[stderr:{task.EngineId}]", Trimmed(task.Stderr), OutputKind.Stderr);
            if (task.Error is { } error)
                foreach (var line in ForError(error, task.EngineId)) yield return line;
            else if (task.ExecuteResult is { } value)
                yield return new OutputLine($"[engine {task.EngineId}]", "Out: " + value, OutputKind.Value);
        }
    }

    /// <summary>
    /// One failure (one part of a <see cref="CompositeException"/>): code that did not compile gives a
    /// line per compiler diagnostic with its line and column in the submitted block.
    /// </summary>
    public static IEnumerable<OutputLine> ForError(Exception error, int engineId)
    {
        var label = $"[engine {engineId}]";
        switch (error)
        {
            case RemoteException { Diagnostics.Count: > 0 } remote:
                foreach (var d in remote.Diagnostics)
                    yield return new OutputLine(label, $"{d.Severity.ToLowerInvariant()} {d.Id} at line {d.Line}, column {d.Column}: {d.Message}", OutputKind.Error);
                break;
            case RemoteException remote:
                yield return new OutputLine(label, $"{remote.RemoteType}: {remote.RemoteMessage}", OutputKind.Error);
                break;
            case TaskAbortedException aborted:
                yield return new OutputLine(label, aborted.WhileRunning ? "aborted while it ran" : "aborted before it ran", OutputKind.Error);
                break;
            default:
                yield return new OutputLine(label, WithoutEngineLabel(error.Message, engineId), OutputKind.Error);
                break;
        }
    }

    private static string Trimmed(string text) => text.TrimEnd('\r', '\n');

    /// <summary>The client's own messages start with the engine's label, which the prompt already shows.</summary>
    private static string WithoutEngineLabel(string message, int engineId)
    {
        var prefix = $"[engine {engineId}] ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }
}
