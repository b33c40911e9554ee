using Orleans.Parallel.Hosting;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Hosting;

public sealed class LocalClusterTests
{
    [Fact]
    public async Task StartAsync_HostsEnginesInProcess_AndClientRunsWork()
    {
        await using var cluster = await LocalCluster.StartAsync(engines: 3);
        var rc = cluster.Client;
        Assert.Equal([0, 1, 2], rc.Ids);
        var all = rc[..];
        await all.ScatterAsync("lc_x", Enumerable.Range(0, 10).ToArray());
        var sums = await all.ApplyAsync((int[] x) => x.Sum(), new Reference<int[]>("lc_x"));
        Assert.Equal([0 + 1 + 2 + 3, 4 + 5 + 6, 7 + 8 + 9], sums);
        Assert.InRange(cluster.GatewayPort, 1, 65535);
    }

    [Fact]
    public async Task StartAsync_NegativeEngines_ThrowsBeforeStarting()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LocalCluster.StartAsync(engines: -1));
    }

    [Fact]
    public async Task SecondClient_ConnectsThroughGateway_SeesSameEnginesAndNamespaces()
    {
        await using var cluster = await LocalCluster.StartAsync(engines: 2);
        await cluster.Client[..].ExecuteAsync("var shared = 41 + 1;");
        await using var other = await ParallelClient.ConnectAsync(cluster.ClientOptions());
        await other.WaitForEnginesAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([42, 42], await other[..].PullAsync<int>("shared"));
    }

    [Fact]
    public async Task StartAsync_TakesTheSiloCommandLinesSettings()
    {
        await using var cluster = await LocalCluster.StartAsync(new SiloSettings { Engines = 3, Scheme = "lru", HighWaterMark = 2, TaskStore = "none" });
        var rc = cluster.Client;
        Assert.Equal([0, 1, 2], rc.Ids);
        var squares = await rc.LoadBalancedView().MapAsync((int x) => x * x, Enumerable.Range(0, 30));
        Assert.Equal(Enumerable.Range(0, 30).Select(x => x * x), squares);
    }

    [Fact]
    public async Task StartAsync_BadSetting_FailsNamingIt_BeforeStarting()
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => LocalCluster.StartAsync(new SiloSettings { Engines = 1, Scheme = "fastest" }));
        Assert.Contains("fastest", error.Message);
    }
}
