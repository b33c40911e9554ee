using System.CommandLine;
using Orleans.Parallel.Errors;
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
        var connectionFile = new Option<string?>("--connection-file", "-f") { Description = "The cluster's connection file (a silo writes it and prints its path)." };
        var clusterId = new Option<string?>("--cluster-id") { Description = "The cluster's id, whose connection file is in $OP_HOME (default ~/.orleans-parallel)/clusters/<id>/. Default: dev." };
        var targets = new Option<string>("--targets", "-t") { Description = "The engines lines run on: all, or ids such as 0,2.", DefaultValueFactory = _ => "all" };
        var command = new Command("px", "A prompt whose lines of C# run on the engines, as IPython's %px; %help inside lists its commands.")
        {
            connectionFile, clusterId, targets,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(connectionFile) is not null && result.GetValue(clusterId) is not null)
                result.AddError("Give --connection-file or --cluster-id, not both.");
        });
        command.SetAction((parse, _) => RunAsync(
            parse.GetValue(connectionFile) ?? ConnectionFile.DefaultPath(parse.GetValue(clusterId) ?? "dev"),
            parse.GetValue(targets)!));
        return command;
    }

    private static async Task<int> RunAsync(string connectionFile, string targetText)
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
        await using var client = await ConnectAsync(connectionFile);
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

    /// <summary>The client, or null after saying in one line why there is none.</summary>
    private static async Task<ParallelClient?> ConnectAsync(string connectionFile)
    {
        ParallelClient? client = null;
        try
        {
            var options = ParallelClientOptions.FromConnectionFile(connectionFile);
            options.ConnectTimeout = TimeSpan.FromSeconds(15);
            client = await ParallelClient.ConnectAsync(options);
            await client.WaitForEnginesAsync(1, EngineWait);
            return client;
        }
        catch (FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"opx px: no cluster: there is no connection file at {connectionFile} (start one with opx start, or name it with --connection-file).");
        }
        catch (Exception e) when (e is ClusterUnreachableException or ClusterCredentialException or TimeoutException or ArgumentException or IOException)
        {
            await Console.Error.WriteLineAsync($"opx px: no cluster at {connectionFile}: {FirstLine(e.Message)}");
        }
        if (client is not null) await client.DisposeAsync();
        return null;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd();
}
