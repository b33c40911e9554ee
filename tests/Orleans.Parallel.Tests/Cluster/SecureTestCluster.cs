using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// In-process test clusters secured as every real one is: silos and client hold one credential made
/// for this test run, so every connection of the test cluster is mutual TLS.
/// </summary>
public static class SecureTestCluster
{
    /// <summary>This test run's cluster credential.</summary>
    public static ClusterCredential Credential { get; } = ClusterCredential.Generate("tests");

    /// <summary>A test cluster builder of <paramref name="silos"/> silos, its silos and client secured with <see cref="Credential"/>.</summary>
    public static InProcessTestClusterBuilder Builder(short silos)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.UseClusterSecurity(ClusterSecurity.Secure(Credential)));
        builder.ConfigureClient(client => client.UseClusterSecurity(ClusterSecurity.Secure(Credential)));
        return builder;
    }
}
