using Orleans.Parallel.Tests.Cluster;
using Orleans.Configuration;
using Orleans.Parallel.Hosting;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>Engines keep their namespace through idle collection, however aggressive it is.</summary>
public sealed class IdleCollectionTests
{
    [Fact]
    public async Task IdleEngine_OutlivesCollectionAge_KeepsNamespace()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddParallelEngines(o => o.Engines = 1);
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionQuantum = TimeSpan.FromMilliseconds(200);
                o.CollectionAge = TimeSpan.FromMilliseconds(500);
            });
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(10));

        await rc[0].PushAsync(new { kept = 7 });
        await Task.Delay(TimeSpan.FromSeconds(3)); // six collection ages with no call to the engine

        Assert.Equal(7, await rc[0].PullAsync<int>("kept"));
        Assert.Equal([0], rc.Ids);
    }
}
