using System.CommandLine;
using Orleans.Parallel.Commands;

var root = new RootCommand("Orleans.Parallel silo: hosts engines for ParallelClient (dotnet run --project Silo -- --engines 4).");
try
{
    SiloCommand.Configure(root);
    root.Subcommands.Add(ProbeCommand.Create());
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message); // a bad OP_* variable or appsettings.json: say which, not a stack trace
    return 2;
}
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(CredentialCommand.Create());
root.Subcommands.Add(ConnectionFileCommand.Create());
// Ctrl-C and SIGTERM are left to the host's console lifetime, which stops engines before the silo.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
