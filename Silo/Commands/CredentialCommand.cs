using System.CommandLine;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Commands;

/// <summary>
/// <c>credential new</c>: writes a new cluster credential, for a cluster whose credential is handed
/// out by other means (a secret store) or for a change of credential (README, "Security"): the PEM
/// of certificate and key (owner-only), and the certificate alone for <c>--trust</c>.
/// </summary>
internal static class CredentialCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Where to write the credential (certificate and private key, PEM, owner-only); the certificate alone goes beside it with the extension .crt.", Required = true };
        var clusterId = new Option<string>("--cluster-id") { Description = "Named in the certificate's subject.", DefaultValueFactory = _ => "dev" };
        var create = new Command("new", "Write a new cluster credential.") { output, clusterId };
        create.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(path))
            {
                Console.Error.WriteLine($"{path} exists already: a credential is not overwritten. Give another --out.");
                return 2;
            }
            using var credential = ClusterCredential.Generate(parse.GetValue(clusterId)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(path, options)) writer.Write(credential.ToPem());
            var certificate = Path.ChangeExtension(path, ".crt");
            File.WriteAllText(certificate, credential.Certificate.ExportCertificatePem() + "\n");
            Console.WriteLine($"Credential {credential.Id} written to {path} (owner-only); its certificate alone to {certificate}.");
            return 0;
        });
        return new Command("credential", "Cluster credentials: mutual TLS on every connection (README, \"Security\").") { create };
    }
}
