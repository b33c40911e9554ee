using System.CommandLine;
using System.Globalization;
using Orleans.Parallel.Cli.Clusters;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Results;
using Spectre.Console;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// <c>opx result MSGID</c>: one task by its msg id, from any client (ipyparallel's
/// <c>get_result</c>): where and when it ran, its value, what it printed, and how it failed. A pending
/// task is waited for, unless <c>--no-wait</c>. The exit code tells a script how the task ended.
/// </summary>
internal static class ResultCommand
{
    /// <summary>The exit code for a task still pending under <c>--no-wait</c>: neither done well (0) nor failed (1).</summary>
    public const int PendingExitCode = 3;

    /// <summary>What is read of the record when the result itself cannot say how the task ended (its value was not kept).</summary>
    private static readonly TaskField[] RecordKeys =
        [TaskField.EngineId, TaskField.Status, TaskField.Started, TaskField.Completed, TaskField.Stdout, TaskField.Stderr, TaskField.Error, TaskField.ExecuteResult];

    public static Command Create()
    {
        var msgId = new Argument<string>("MSGID") { Description = "The task's msg id, a GUID (opx tasks lists them)." };
        var noWait = new Option<bool>("--no-wait") { Description = $"Do not wait for a pending task: say it is pending and exit with code {PendingExitCode}." };
        var json = new Option<bool>("--json") { Description = "Write the result as one JSON object (camelCase) and nothing else, for scripts." };
        var command = new Command(
            "result",
            "Show one task: engine, status, times, value, stdout, stderr and error. Waits for a pending task. " +
            $"Exit code 0: it ended ok; 1: it failed (or is unknown); 2: bad input; {PendingExitCode}: still pending (--no-wait).")
        {
            msgId, noWait, json,
        };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
            RunAsync(cluster.Resolve(parse), parse.GetValue(msgId)!, parse.GetValue(noWait), parse.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ClusterLocation location, string msgIdText, bool noWait, bool json, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(msgIdText.Trim(), out var id))
        {
            await Console.Error.WriteLineAsync(
                $"opx result: MSGID: '{msgIdText}' is not a msg id; give a GUID such as {Guid.Empty} (opx tasks lists them).");
            return 2;
        }
        await using var client = await ClusterConnector.ConnectAsync(location, "opx result", cancellationToken: cancellationToken);
        if (client is null) return 1;

        AsyncResult<object?> result;
        try
        {
            result = await client.GetResultAsync(id, cancellationToken);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException) // unknown id; a cluster that keeps no records
        {
            await Console.Error.WriteLineAsync($"opx result: {CommandOutput.OneLine(e.Message)}");
            return 1;
        }
        if (!result.Ready && !noWait)
        {
            await Console.Error.WriteLineAsync($"opx result: task {id} is pending; waiting for it to end (Ctrl-C stops waiting).");
            await result.WaitAsync(null, cancellationToken);
        }

        var report = await ReportAsync(client, id, result, cancellationToken);
        if (json) CommandOutput.WriteJson(report);
        else Show(CommandOutput.Create(), report);
        return report.Status switch
        {
            TaskStatus.Ok => 0,
            TaskStatus.Pending => PendingExitCode,
            _ => 1,
        };
    }

    private static async Task<ResultReport> ReportAsync(ParallelClient client, Guid id, AsyncResult<object?> result, CancellationToken cancellationToken)
    {
        var task = result.Metadata[0];
        if (!result.Ready) return ResultReport.From(task, null, null);
        if (task.Status == TaskStatus.Pending && task.Error is { } local)
        {
            // Ended, but the result could not be given (not kept by the store, purged meanwhile): how it ended is in its record.
            var record = (await client.DbQueryAsync(TaskQuery.Where(TaskField.MsgId, QueryOperator.Eq, id), RecordKeys, cancellationToken)).FirstOrDefault();
            if (record is null) return ResultReport.From(task with { Status = TaskStatus.Error }, null, null);
            task = task with
            {
                EngineId = record.EngineId, Status = record.Status, Started = record.Started, Completed = record.Completed,
                Stdout = record.Stdout ?? "", Stderr = record.Stderr ?? "", ExecuteResult = record.ExecuteResult,
                Error = record.Error is { } remote ? new RemoteException(record.EngineId, id, remote) : record.Status == TaskStatus.Ok ? null : local,
            };
            return ResultReport.From(task, null, CommandOutput.OneLine(local.Message));
        }
        if (task.Status != TaskStatus.Ok) return ResultReport.From(task, null, null);
        try
        {
            return ResultReport.From(task, await result.AsTask(), null);
        }
        catch (Exception e)
        {
            return ResultReport.From(task, null, $"its value cannot be read here: {CommandOutput.OneLine(e.Message)}");
        }
    }

    /// <summary>Draws the report: the facts in a grid, then the value, the output and the error.</summary>
    public static void Show(IAnsiConsole console, ResultReport report)
    {
        var facts = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        facts.AddRow("msg id", report.MsgId.ToString());
        facts.AddRow("engine", report.EngineId?.ToString(CultureInfo.InvariantCulture) ?? "—");
        facts.AddRow("status", CommandOutput.StatusMarkup(report.Status));
        facts.AddRow("submitted", CommandOutput.Time(report.Submitted) + " UTC");
        facts.AddRow("started", CommandOutput.Time(report.Started, report.Submitted));
        facts.AddRow("completed", CommandOutput.Time(report.Completed, report.Submitted));
        facts.AddRow("duration", CommandOutput.Duration(report.DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null));
        if (report.ValueType is { } type) facts.AddRow("type", Markup.Escape(type));
        console.Write(facts);

        if (report.Status == TaskStatus.Pending) console.MarkupLine($"[grey]pending: it has not ended yet; without --no-wait opx result waits for it.[/]");
        if (report.Value is { } value) Section(console, "value", value, "green");
        if (report.ValueNote is { } note) console.MarkupLine($"[yellow]value not available:[/] {Markup.Escape(note)}");
        if (report.Stdout.Length > 0) Section(console, "stdout", report.Stdout.TrimEnd('\r', '\n'), "blue");
        if (report.Stderr.Length > 0) Section(console, "stderr", report.Stderr.TrimEnd('\r', '\n'), "yellow");
        if (report.Error is { } error) ShowError(console, error, "");
    }

    private static void ShowError(IAnsiConsole console, ResultReport.ErrorFacts error, string indent)
    {
        // A compile error's message lists its diagnostics again; they follow, one a line, with line and column.
        var message = error.Diagnostics.Count > 0 ? error.Message.Split('\n')[0].TrimEnd() : error.Message;
        console.MarkupLine($"{indent}[red]error:[/] {Markup.Escape($"{error.Type}: {message}")}");
        foreach (var d in error.Diagnostics)
            console.MarkupLine(Markup.Escape($"{indent}  {d.Severity.ToLowerInvariant()} {d.Id} at line {d.Line}, column {d.Column}: {d.Message}"));
        if (error.Diagnostics.Count == 0 && error.StackTrace is { } trace)
        {
            var heading = $"{error.Type}: {error.Message}"; // the trace starts with what the line above said
            var frames = trace.StartsWith(heading, StringComparison.Ordinal) ? trace[heading.Length..].TrimStart('\r', '\n') : trace;
            if (frames.Length > 0) console.MarkupLine($"[grey]{Markup.Escape(Indented(frames, indent + "  "))}[/]");
        }
        foreach (var part in error.Parts) ShowError(console, part, indent + "  ");
    }

    /// <summary>A labelled block: one line after its label, or several under it.</summary>
    private static void Section(IAnsiConsole console, string label, string text, string color) =>
        console.MarkupLine(text.Contains('\n')
            ? $"[{color}]{label}:[/]\n{Markup.Escape(text)}"
            : $"[{color}]{label}:[/] {Markup.Escape(text)}");

    private static string Indented(string text, string indent) =>
        string.Join("\n", text.TrimEnd().Split('\n').Select(line => indent + line.TrimEnd('\r')));
}
