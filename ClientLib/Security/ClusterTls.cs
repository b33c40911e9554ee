using Microsoft.Extensions.DependencyInjection;
using Orleans.Connections.Security;
using Orleans.Hosting;
using Orleans.Parallel.Security;

namespace Orleans.Parallel;

/// <summary>
/// Orleans' TLS (<c>Microsoft.Orleans.Connections.Security</c>) set up for a cluster credential: the
/// credential's certificate presented on every connection, a certificate required from the other side
/// in both directions, and accepted only if pinned (<see cref="ClusterCredential.Accepts"/>; the pin
/// replaces chain validation, so a self-signed credential works).
/// </summary>
public static class ClusterTls
{
    /// <summary>Sets <paramref name="options"/> for <paramref name="credential"/>.</summary>
    public static void Configure(TlsOptions options, ClusterCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        options.LocalCertificate = credential.Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => credential.Accepts(certificate);
        options.SslProtocols = ClusterCredential.Protocols;
        options.CheckCertificateRevocation = false;
    }

    /// <summary>
    /// Connects this Orleans client with <paramref name="security"/>: mutual TLS with its credential, or
    /// plain TCP when it is <see cref="ClusterSecurity.Insecure"/>. <see cref="ParallelClient.FromClusterClientAsync"/>
    /// then uses the same for the bulk port.
    /// </summary>
    public static IClientBuilder UseClusterSecurity(this IClientBuilder builder, ClusterSecurity security)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(security);
        builder.Services.AddSingleton(security);
        if (security.Credential is { } credential) builder.UseTls(o => Configure(o, credential));
        return builder;
    }
}
