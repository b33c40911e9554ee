using System.CommandLine;
using Orleans.Parallel.Commands;

var root = new RootCommand("Orleans.Parallel silo: hosts engines for ParallelClient (dotnet run --project Silo -- --engines 4).");
SiloCommand.Configure(root);
root.Subcommands.Add(DemoCommand.Create());
// Ctrl-C and SIGTERM are left to the host's console lifetime, which stops engines before the silo.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
