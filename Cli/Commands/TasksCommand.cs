using System.CommandLine;
using System.Globalization;
using Orleans.Parallel.Cli.Clusters;
using Orleans.Parallel.Hub;
using Spectre.Console;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// <c>opx tasks</c>: the cluster's task records (ipyparallel's <c>db_query</c>), the latest last,
/// with where and when each ran and how it ended; <c>opx result MSGID</c> then shows one. A query is
/// ipyparallel's JSON (<c>{"status":"error"}</c>, <c>{"engine_id":{"$in":[0,1]}}</c>); the hub
/// checks it, so a bad one is refused with what is accepted.
/// </summary>
internal static class TasksCommand
{
    private const int DefaultLast = 20;

    /// <summary>Only what the table shows travels: never the requests and results, which may be large.</summary>
    private static readonly TaskField[] Keys =
        [TaskField.MsgId, TaskField.EngineId, TaskField.Status, TaskField.Label, TaskField.Submitted, TaskField.Started, TaskField.Completed];

    public static Command Create()
    {
        var query = new Option<string?>("--query", "-q")
        {
            Description = "Only the tasks this ipyparallel-style JSON query matches, e.g. '{\"status\":\"error\"}' or '{\"engine_id\":{\"$in\":[0,1]}}'. Default: all.",
        };
        var last = new Option<string?>("--last", "-n") { Description = $"Show the last N matching tasks (default {DefaultLast}); 0 shows all." };
        var json = new Option<bool>("--json") { Description = "Write the tasks as one JSON object (camelCase) and nothing else, for scripts." };
        var command = new Command("tasks", "List the cluster's tasks, in submission order: msg id, engine, status, label, times.") { query, last, json };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
            RunAsync(cluster.Resolve(parse), parse.GetValue(query), parse.GetValue(last), parse.GetValue(json), cancellationToken));
        return command;
    }

    /// <summary>One listed task, as the table and the JSON give it.</summary>
    /// <param name="MsgId">The task.</param>
    /// <param name="EngineId">Null while a load-balanced task waits for an engine.</param>
    /// <param name="Status">Pending, ok, error or aborted.</param>
    /// <param name="Label">Its view's label.</param>
    /// <param name="Submitted">When it was submitted (UTC).</param>
    /// <param name="Started">When an engine started it (UTC).</param>
    /// <param name="Completed">When it ended (UTC).</param>
    /// <param name="DurationSeconds">From started to completed.</param>
    internal sealed record TaskRow(Guid MsgId, int? EngineId, Engine.TaskStatus Status, string? Label,
        DateTime? Submitted, DateTime? Started, DateTime? Completed, double? DurationSeconds);

    /// <param name="Matched">How many tasks the query matched.</param>
    /// <param name="Tasks">The last of them, oldest first.</param>
    internal sealed record TaskList(int Matched, IReadOnlyList<TaskRow> Tasks);

    private static async Task<int> RunAsync(ClusterLocation location, string? queryText, string? lastText, bool json, CancellationToken cancellationToken)
    {
        // Input is checked before connecting: a mistake is named even when no cluster runs.
        var last = DefaultLast;
        if (lastText is not null && (!int.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out last)))
        {
            await Console.Error.WriteLineAsync($"opx tasks: --last: '{lastText}' is not a count; give a whole number of tasks, or 0 for all.");
            return 2;
        }
        TaskQuery query;
        try
        {
            query = queryText is null ? TaskQuery.All : TaskQuery.FromJson(queryText);
        }
        catch (ArgumentException e)
        {
            return await BadQueryAsync(e);
        }

        await using var client = await ClusterConnector.ConnectAsync(location, "opx tasks", cancellationToken: cancellationToken);
        if (client is null) return 1;
        IReadOnlyList<TaskRecord> records;
        try
        {
            records = await client.DbQueryAsync(query, Keys, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return await BadQueryAsync(e); // a value of the wrong type, found when the query is checked
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"opx tasks: {CommandOutput.OneLine(e.Message)}"); // no task store: the message names the cure
            return 1;
        }

        var shown = last == 0 ? records : records.TakeLast(last).ToArray();
        var list = new TaskList(records.Count, shown.Select(Row).ToArray());
        if (json) CommandOutput.WriteJson(list);
        else Show(CommandOutput.Create(), list);
        return 0;
    }

    /// <summary>Draws the list as a table, and says how many more there are.</summary>
    public static void Show(IAnsiConsole console, TaskList list)
    {
        var table = new Table().AddColumns("msg id", "engine", "status", "label", "submitted (UTC)", "started", "completed", "duration");
        foreach (var column in table.Columns) column.NoWrap();
        foreach (var task in list.Tasks)
            table.AddRow(
                task.MsgId.ToString(),
                task.EngineId?.ToString(CultureInfo.InvariantCulture) ?? "—",
                CommandOutput.StatusMarkup(task.Status),
                Markup.Escape(task.Label ?? ""),
                CommandOutput.Time(task.Submitted),
                CommandOutput.Time(task.Started, task.Submitted),
                CommandOutput.Time(task.Completed, task.Submitted),
                CommandOutput.Duration(task.DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null));
        if (list.Tasks.Count > 0) console.Write(table);
        console.MarkupLine(list.Matched == 0 ? "no tasks" : list.Tasks.Count == list.Matched
            ? $"{list.Matched} task(s)"
            : $"the last {list.Tasks.Count} of {list.Matched} task(s); --last 0 shows all");
    }

    /// <summary>A record as a row: engine -1 (none yet) as null, times as UTC, the run's duration (started to completed).</summary>
    private static TaskRow Row(TaskRecord r) => new(
        r.MsgId, r.EngineId >= 0 ? r.EngineId : null, r.Status, r.Label,
        CommandOutput.Utc(r.Submitted), CommandOutput.Utc(r.Started), CommandOutput.Utc(r.Completed),
        CommandOutput.Between(r.Started, r.Completed)?.TotalSeconds);

    private static async Task<int> BadQueryAsync(ArgumentException e)
    {
        await Console.Error.WriteLineAsync($"opx tasks: --query: {CommandOutput.OneLine(e.Message)}");
        return 2;
    }
}
