using System.CommandLine;
using System.Globalization;
using Orleans.Parallel.Cli.Clusters;
using Spectre.Console;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// <c>opx status</c>: the cluster at one moment, as ipcluster and <c>queue_status</c> tell it: its
/// files and the process running it, its silos, each engine busy or idle with its queue, the tasks
/// no engine has taken, and how many task records are kept. <c>--json</c> gives the same for scripts.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Write the status as one JSON object (camelCase) and nothing else, for scripts." };
        var command = new Command("status", "Show the cluster: its silos, engines (busy or idle, queued, completed), unassigned tasks and task store.") { json };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(cluster.Resolve(parse), parse.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ClusterLocation location, bool json, CancellationToken cancellationToken)
    {
        await using var client = await ClusterConnector.ConnectAsync(location, "opx status", cancellationToken: cancellationToken);
        if (client is null) return 1;
        var report = StatusReport.From(await client.ClusterStatusAsync(cancellationToken), location);
        if (json) CommandOutput.WriteJson(report);
        else Show(CommandOutput.Create(), report);
        return 0;
    }

    /// <summary>Draws the report as tables: cluster, silos, engines, then the queue and store in a line each.</summary>
    public static void Show(IAnsiConsole console, StatusReport report)
    {
        var cluster = new Table { Title = new TableTitle("Cluster") }.AddColumns("", "").HideHeaders();
        cluster.AddRow("id", Markup.Escape(report.Cluster.Id ?? "—"));
        cluster.AddRow("connection file", Markup.Escape(report.Cluster.ConnectionFile));
        cluster.AddRow("gateways", Markup.Escape(report.Cluster.Gateways.Count > 0 ? string.Join(", ", report.Cluster.Gateways) : "—"));
        cluster.AddRow("opx start", Markup.Escape(Started(report.Cluster.StartedBy)));
        console.Write(cluster);

        var silos = new Table { Title = new TableTitle("Silos") }.AddColumns("name", "address", "host", "started (UTC)", "engines");
        foreach (var silo in report.Silos)
            silos.AddRow(Markup.Escape(silo.Name), Markup.Escape(silo.Address), Markup.Escape(silo.Host), CommandOutput.Time(silo.Started), Ids(silo.EngineIds));
        if (report.Silos.Count == 0) silos.AddRow("[grey]none active[/]", "", "", "", "");
        console.Write(silos);

        var engines = new Table { Title = new TableTitle("Engines") }.AddColumns("id", "silo", "state", "running", "queued", "completed");
        foreach (var engine in report.Engines)
            engines.AddRow(
                engine.Id.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(engine.Silo ?? "—"),
                engine.Busy ? "[yellow]busy[/]" : "[green]idle[/]",
                engine.Running?.ToString() ?? "—",
                engine.Queued.ToString(CultureInfo.InvariantCulture),
                engine.Completed.ToString(CultureInfo.InvariantCulture));
        if (report.Engines.Count == 0) engines.AddRow("[grey]none[/]", "", "", "", "", "");
        console.Write(engines);

        console.MarkupLine($"unassigned tasks: {report.Unassigned}");
        var store = report.TaskStore;
        console.MarkupLine(store.Records is null
            ? $"task store: {Markup.Escape(store.Kind)}, records not kept"
            : $"task store: {Markup.Escape(store.Kind)}, {store.Records} record(s), {store.Pending ?? 0} pending");
    }

    private static string Started(StatusReport.StartFacts? started) => started switch
    {
        null => "no (not started by opx start here)",
        { Running: false } s => $"pid {s.Pid}, no longer running",
        { Daemon: true } s => $"pid {s.Pid}, daemon, log {s.Log ?? "—"}",
        { } s => $"pid {s.Pid}, in the foreground",
    };

    private static string Ids(IReadOnlyList<int> ids) => ids.Count == 0 ? "—" : string.Join(", ", ids);
}
