using Orleans.Parallel.Hosting;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// ParallelClient.Ids follows engines that join and leave, without the caller asking. Uses its own small
/// cluster, because it adds and removes a silo; it sits in the cluster collection only so that it does not
/// compete for the cores with the shared cluster's tests.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EngineMembershipTests
{
    [Fact]
    public async Task Ids_SiloJoinsThenLeaves_KeptCurrentInBackground()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o => o.Engines = 1));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal([0], rc.Ids);
        var changes = 0;
        rc.EnginesChanged += () => Interlocked.Increment(ref changes);
        var everyEngine = rc[..];

        var second = await cluster.StartAdditionalSiloAsync();
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(rc.Ids.Count == 2), "the new silo's engine appears in Ids");

        Assert.Equal([0, 1], rc.Ids);
        Assert.True(Volatile.Read(ref changes) >= 1);
        await everyEngine.PushAsync(new { member_a = 1 });
        Assert.Equal([1, 1], await everyEngine.PullAsync<int>("member_a"));

        await cluster.StopSiloAsync(second);
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(rc.Ids.Count == 1), "the stopped silo's engine leaves Ids");

        Assert.Equal([0], rc.Ids);
        Assert.Contains("1", Assert.Throws<ArgumentOutOfRangeException>(() => rc[1]).Message);
        Assert.Equal([1], await everyEngine.PullAsync<int>("member_a"));
    }
}
