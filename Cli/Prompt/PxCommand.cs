using System.CommandLine;
using Orleans.Parallel.Cli.Clusters;
using Orleans.Parallel.Security;
using Spectre.Console;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// <c>opx px</c>: connects to a running cluster and opens the prompt whose lines run on its engines,
/// as IPython's <c>%px</c>. The cluster is named by its connection file, or by its id (whose file is
/// in <c>$OP_HOME/clusters/&lt;id&gt;/</c>); default: cluster "dev".
/// </summary>
internal static class PxCommand
{
    private static readonly TimeSpan EngineWait = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var targets = new Option<string>("--targets", "-t") { Description = "The engines lines run on: all, or ids such as 0,2.", DefaultValueFactory = _ => "all" };
        var command = new Command("px", "A prompt whose lines of C# run on the engines, as IPython's %px; %help inside lists its commands.") { targets };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parse, _) => RunAsync(cluster.Resolve(parse), parse.GetValue(targets)!));
        return command;
    }

    private static async Task<int> RunAsync(ClusterLocation cluster, string targetText)
    {
        TargetSelection targets;
        try
        {
            targets = TargetSelection.Parse(targetText);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"opx px: --targets: {e.Message}");
            return 2;
        }
        await using var client = await ClusterConnector.ConnectAsync(cluster, "opx px", engines: 1, EngineWait);
        if (client is null) return 1;

        var console = AnsiConsole.Console;
        var prompt = new PxPrompt();
        using var ctrlC = new CtrlC();
        ILineSource input = !Console.IsInputRedirected && !Console.IsOutputRedirected
            ? new EditorLineSource(prompt, new HistoryFile(Path.Combine(ConnectionFile.Root, "px_history")))
            : new PlainLineSource(Console.In);
        var session = new PxSession(client, input, new OutputWriter(console), prompt, ctrlC) { Targets = targets };
        await session.RunAsync();
        return 0;
    }
}
