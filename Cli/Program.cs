using System.CommandLine;
using Orleans.Parallel.Cli.Commands;

var root = new RootCommand("opx: start, stop and inspect Orleans.Parallel clusters, and a px prompt whose lines run on the engines.");
// Each command registers itself here (Commands/ for the cluster's life and its tasks, Prompt/ for px).
root.Subcommands.Add(StartCommand.Create());
root.Subcommands.Add(StopCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(TasksCommand.Create());
root.Subcommands.Add(ResultCommand.Create());
root.Subcommands.Add(Orleans.Parallel.Cli.Prompt.PxCommand.Create());
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
