using System.CommandLine;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Commands;

/// <summary>
/// <c>connection-file</c>: writes a client's connection file for a cluster whose silos cannot write one
/// where the client runs, because they run elsewhere and are reached through translated addresses (the
/// containers of deploy/compose.yaml, behind ports published on the host). It lists the gateways as the
/// client reaches them and holds the credential, as ipyparallel's <c>ipcontroller-client.json</c> does.
/// </summary>
internal static class ConnectionFileCommand
{
    public static Command Create()
    {
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster's id (OP_CLUSTERID of its silos).", DefaultValueFactory = _ => "dev" };
        var serviceId = new Option<string>("--service-id") { Description = "The cluster's service id (OP_SERVICEID of its silos).", DefaultValueFactory = _ => "dev" };
        var credential = new Option<string>("--credential") { Description = "The cluster credential's PEM file (credential new); the connection file holds a copy, owner-only.", Required = true };
        var gateways = new Option<string[]>("--gateway") { Description = "A gateway as this machine reaches it, host:port; repeat it for each silo.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write it. Default: the cluster's connection file in ~/.orleans-parallel (OP_HOME), where ParallelClient looks for it." };
        var command = new Command("connection-file", "Write a client's connection file for silos reached through translated addresses (containers' published ports).")
        {
            clusterId, serviceId, credential, gateways, output,
        };
        command.SetAction(parse =>
        {
            var id = parse.GetValue(clusterId)!;
            var given = parse.GetValue(gateways)!;
            string pem;
            try
            {
                foreach (var gateway in given) ConnectionFile.ParseGateway(gateway, "--gateway");
                pem = File.ReadAllText(parse.GetValue(credential)!);
                using var _ = ClusterCredential.FromPem(pem); // fail here, not at the client's connect
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                Console.Error.WriteLine($"No connection file written: {e.Message}");
                return 2;
            }
            var path = Path.GetFullPath(parse.GetValue(output) ?? ConnectionFile.DefaultPath(id));
            // A static list of gateways: the client connects to these as given, whatever addresses the
            // silos give each other inside their own network.
            ConnectionFile.Update(path, _ => new ConnectionFile
            {
                ClusterId = id,
                ServiceId = parse.GetValue(serviceId)!,
                Clustering = ClusterMembership.Localhost,
                Gateways = [.. given.Distinct()],
                Credential = pem,
            });
            Console.WriteLine($"Connection file for cluster '{id}' ({given.Length} gateways) written to {path} (owner-only).");
            return 0;
        });
        return command;
    }
}
