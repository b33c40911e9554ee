using System.CommandLine;

var root = new RootCommand("opx: start, stop and inspect Orleans.Parallel clusters, and a px prompt whose lines run on the engines.");
// Each command registers itself here (Commands/ for the cluster's life and its tasks, Prompt/ for px).
root.Subcommands.Add(Orleans.Parallel.Cli.Commands.StatusCommand.Create());
root.Subcommands.Add(Orleans.Parallel.Cli.Commands.TasksCommand.Create());
root.Subcommands.Add(Orleans.Parallel.Cli.Commands.ResultCommand.Create());
root.Subcommands.Add(Orleans.Parallel.Cli.Prompt.PxCommand.Create());
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
