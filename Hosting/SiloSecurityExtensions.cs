using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Hosting;

/// <summary>How a silo is secured: mutual TLS with the cluster credential on its silo, gateway and bulk ports, or explicitly not.</summary>
public static class SiloSecurityExtensions
{
    /// <summary>
    /// Secures this silo with <paramref name="security"/>: every silo-to-silo and client connection,
    /// and the bulk port, use mutual TLS with its credential, and only peers presenting a pinned
    /// certificate get in. <see cref="ClusterSecurity.Insecure"/> leaves every port open to anyone
    /// who reaches it. A silo hosting engines must call this (engines run whatever code a client sends).
    /// </summary>
    public static ISiloBuilder UseClusterSecurity(this ISiloBuilder builder, ClusterSecurity security)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(security);
        builder.Services.AddSingleton(security);
        if (security.Credential is { } credential) builder.UseTls(o => ClusterTls.Configure(o, credential));
        return builder;
    }
}
