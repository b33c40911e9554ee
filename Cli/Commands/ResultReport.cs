using Orleans.Parallel.Cli.Prompt;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// What <c>opx result</c> says of one task, as data: the text drawn from it and <c>--json</c> give
/// the same facts.
/// </summary>
/// <param name="MsgId">The task.</param>
/// <param name="EngineId">Null while a load-balanced task waits for an engine.</param>
/// <param name="Status">Pending, ok, error or aborted.</param>
/// <param name="Submitted">When it was submitted (UTC).</param>
/// <param name="Started">When an engine started it (UTC).</param>
/// <param name="Completed">When it ended (UTC).</param>
/// <param name="DurationSeconds">From started to completed.</param>
/// <param name="Value">The value as the px prompt writes it (a script's final expression as its text); null unless it ended ok.</param>
/// <param name="ValueType">The value's .NET type; null for null or a script's text.</param>
/// <param name="ValueNote">Why an ok task's value cannot be shown (not kept by the task store, say).</param>
/// <param name="Stdout">What it wrote to standard output.</param>
/// <param name="Stderr">What it wrote to standard error.</param>
/// <param name="Error">How it failed, for an error or an abort.</param>
internal sealed record ResultReport(
    Guid MsgId, int? EngineId, TaskStatus Status,
    DateTime? Submitted, DateTime? Started, DateTime? Completed, double? DurationSeconds,
    string? Value, string? ValueType, string? ValueNote,
    string Stdout, string Stderr, ResultReport.ErrorFacts? Error)
{
    /// <summary>A failure: the remote type and message, a compile error's diagnostics (line and column), several failures' parts.</summary>
    /// <param name="Type">The exception type, as the engine named it.</param>
    /// <param name="Message">Its message.</param>
    /// <param name="Diagnostics">For code that did not compile: each compiler message with its line and column.</param>
    /// <param name="StackTrace">The engine's stack trace, when it sent one.</param>
    /// <param name="Parts">For several failures: each one.</param>
    internal sealed record ErrorFacts(string Type, string Message, IReadOnlyList<CompilerDiagnostic> Diagnostics, string? StackTrace, IReadOnlyList<ErrorFacts> Parts)
    {
        public static ErrorFacts From(Exception error) => error switch
        {
            CompositeException composite => new(nameof(CompositeException), $"{composite.Errors.Count} task(s) failed", [], null, composite.Errors.Select(From).ToArray()),
            RemoteException remote => new(remote.RemoteType, remote.RemoteMessage, remote.Diagnostics, NullIfEmpty(remote.RemoteStackTrace), []),
            TaskAbortedException aborted => new("aborted", aborted.WhileRunning ? "aborted while it ran" : "aborted before it ran", [], null, []),
            _ => new(error.GetType().FullName ?? error.GetType().Name, WithoutEngineLabel(error.Message), [], null, []),
        };

        private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

        /// <summary>The client's own messages start with "[engine N] ", which the report shows apart.</summary>
        private static string WithoutEngineLabel(string message) =>
            message.StartsWith("[engine ", StringComparison.Ordinal) && message.IndexOf("] ", StringComparison.Ordinal) is var end and > 0
                ? message[(end + 2)..]
                : message;
    }

    /// <summary>The report of one task from what its result knows.</summary>
    /// <param name="task">The task's metadata (its result's only one).</param>
    /// <param name="value">Its value, when it ended ok and the value could be read.</param>
    /// <param name="valueNote">Why an ok task's value could not be read.</param>
    public static ResultReport From(TaskMetadata task, object? value, string? valueNote)
    {
        var ok = task.Status == TaskStatus.Ok;
        var text = !ok || valueNote is not null ? null : task.ExecuteResult ?? ValueText.Format(value);
        var type = !ok || valueNote is not null || task.ExecuteResult is not null ? null : value?.GetType().FullName;
        return new ResultReport(
            task.MsgId, task.EngineId >= 0 ? task.EngineId : null, task.Status,
            CommandOutput.Utc(task.Submitted), CommandOutput.Utc(task.Started), CommandOutput.Utc(task.Completed),
            CommandOutput.Between(task.Started, task.Completed)?.TotalSeconds,
            text, type, ok ? valueNote : null, task.Stdout, task.Stderr,
            task.Error is { } error && !ok ? ErrorFacts.From(error) : null);
    }
}
