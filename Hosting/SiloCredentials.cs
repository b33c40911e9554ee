using Orleans.Parallel.Security;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Where a silo's credential comes from, first found wins: <see cref="SiloSettings.Security"/> (a host
/// that made its own), <c>--credential-pem</c>/<c>OP_CREDENTIALPEM</c> (the PEM text, a container's
/// secret), <c>--credential PATH</c>/<c>OP_CREDENTIAL</c> (a PEM file or a connection file), the
/// connection file of its cluster in this user's folder (a cluster that ran here before, or another
/// silo of it), and last a new one, generated: this is the first silo of a new cluster.
/// </summary>
internal static class SiloCredentials
{
    /// <summary>What the silo runs with, and what its connection file should say about the credential.</summary>
    public sealed record Resolved(ClusterSecurity Security, string Source, string? CredentialPath, bool Publish);

    public static Resolved Resolve(SiloSettings settings)
    {
        if (settings.Security is { } given) return new(given, "given by the host", null, Publish: false);
        if (settings.Insecure) return new(ClusterSecurity.Insecure, "none (--insecure)", null, Publish: false);
        var (credential, source, path) = Find(settings);
        if (settings.Trust is { Length: > 0 } trust)
        {
            if (!File.Exists(trust)) throw new ArgumentException($"The certificates to trust (--trust) are not at {trust}.", nameof(settings.Trust));
            credential = credential.Trusting(File.ReadAllText(trust));
            source += $", also trusting {trust}";
        }
        return new(ClusterSecurity.Secure(credential), source, path, Publish: true);
    }

    private static (ClusterCredential Credential, string Source, string? Path) Find(SiloSettings settings)
    {
        if (settings.CredentialPem is { Length: > 0 } pem)
            return (Read(() => ClusterCredential.FromPem(pem), "--credential-pem / OP_CREDENTIALPEM"), "from OP_CREDENTIALPEM", null);
        if (settings.Credential is { Length: > 0 } path)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full)) throw new ArgumentException($"The credential file (--credential) does not exist: {full}.", nameof(settings.Credential));
            var text = File.ReadAllText(full);
            var isConnectionFile = ConnectionFile.IsConnectionFileText(text);
            var credential = Read(() => isConnectionFile ? ConnectionFile.Read(full).LoadCredential(full) : ClusterCredential.FromPem(text), $"--credential {full}");
            // A PEM file is named in the connection file, not copied; a connection file's own credential is copied.
            return (credential, $"from {full}", isConnectionFile ? null : full);
        }
        var file = ConnectionFile.DefaultPath(settings.ClusterId);
        if (File.Exists(file))
            return (Read(() => ConnectionFile.Read(file).LoadCredential(file), file), $"from {file}", null);
        // The first silo of a new cluster. Silos starting at once race to write the file; the lock in
        // Update makes one of them the author and the others read its credential.
        var written = ConnectionFile.Update(file, current => current?.Credential is not null || current?.CredentialPath is not null
            ? current
            : new ConnectionFile
            {
                ClusterId = settings.ClusterId,
                ServiceId = settings.ServiceId,
                Clustering = settings.Clustering,
                ClusteringConnection = settings.ResolvedClusteringConnection(),
                Credential = ClusterCredential.Generate(settings.ClusterId).ToPem(),
            });
        return (Read(() => written.LoadCredential(file), file), $"generated for cluster '{settings.ClusterId}'", null);
    }

    private static ClusterCredential Read(Func<ClusterCredential> read, string where)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"The cluster credential ({where}) cannot be used: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes this silo into its cluster's connection file once it listens: the first silo of a
    /// localhost cluster starts the gateway list afresh (a file from an earlier run keeps its credential
    /// but not its dead gateways); the others add theirs.
    /// </summary>
    public static string Publish(SiloSettings settings, Resolved resolved)
    {
        var path = ConnectionFile.DefaultPath(settings.ClusterId);
        var gateway = $"{settings.ResolvedAddress()}:{settings.GatewayPort}";
        var primary = settings.Clustering != ClusterMembership.Localhost || settings.PrimarySiloPort is null || settings.PrimarySiloPort == settings.SiloPort;
        var pem = resolved.CredentialPath is null ? resolved.Security.Credential!.ToPem() : null;
        ConnectionFile.Update(path, current =>
        {
            var gateways = primary && settings.Clustering == ClusterMembership.Localhost ? [] : current?.Gateways ?? [];
            return new ConnectionFile
            {
                ClusterId = settings.ClusterId,
                ServiceId = settings.ServiceId,
                Clustering = settings.Clustering,
                ClusteringConnection = settings.ResolvedClusteringConnection(),
                Gateways = [.. gateways.Where(g => g != gateway), gateway],
                Credential = pem,
                CredentialPath = resolved.CredentialPath,
            };
        });
        return path;
    }
}
