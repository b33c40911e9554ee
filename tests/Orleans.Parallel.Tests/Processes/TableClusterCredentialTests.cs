using System.Diagnostics;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Security;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// A client that finds gateways in a Redis membership table has none to probe before Orleans starts:
/// a refused credential is caught when Orleans' first connection fails (CredentialRetryFilter), and
/// still ends the connect within seconds, saying so, while the right credential gets in.
/// </summary>
public sealed class TableClusterCredentialTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RedisClient_WithAnotherCredential_IsRefusedWithinSeconds_TheRightOneGetsIn()
    {
        var cluster = $"table-{Guid.NewGuid():N}"[..20];
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--clustering", ClusterMembership.Redis, "--clustering-connection", redis.Connection, "--cluster-id", cluster);
        ParallelClientOptions Options(ClusterCredential credential) => new()
        {
            Clustering = ClusterMembership.Redis, ClusteringConnection = redis.Connection, ClusterId = cluster, Credential = credential, ConnectTimeout = TimeSpan.FromSeconds(60),
        };

        using var stranger = ClusterCredential.Generate("stranger");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ClusterCredentialException>(() => ParallelClient.ConnectAsync(Options(stranger)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"The refusal took {clock.Elapsed} (the connect timeout is 60 s).");
        Assert.True(error.Message.Contains("does not trust", StringComparison.Ordinal), error.Message);

        using var own = ClusterCredential.FromFile(ConnectionFile.DefaultPath(cluster));
        await using var rc = await ParallelClient.ConnectAsync(Options(own));
        await rc.WaitForEnginesAsync(1, Patience);
        Assert.Equal([9], await rc[..].ApplyAsync(() => 9).AsTask().WaitAsync(Patience));
    }
}
