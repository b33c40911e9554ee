using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Three real silo processes that find each other through a real Redis server, with an engine on
/// each, and a client that finds their gateways the same way and works across all of them.
/// </summary>
public sealed class RedisClusteringTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task ThreeSilos_OneEngineEach_DirectAndLoadBalancedWorkSpansEverySilo()
    {
        var cluster = $"redis-{Guid.NewGuid():N}"; // a fresh membership table in the shared server
        string[] Args() => ["--clustering", ClusterMembership.Redis, "--clustering-connection", redis.Connection, "--cluster-id", cluster];
        await using var first = await SiloProcess.StartAsync(1, null, Args());
        await using var second = await SiloProcess.StartAsync(1, null, Args());
        await using var third = await SiloProcess.StartAsync(1, null, Args());
        var silos = new[] { first, second, third };

        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions
        {
            Clustering = ClusterMembership.Redis,
            ClusteringConnection = redis.Connection,
            ClusterId = cluster,
        });
        await rc.WaitForEnginesAsync(3, TimeSpan.FromSeconds(60));
        Assert.Equal([0, 1, 2], rc.Ids);

        // Each engine lives in its own silo process, and keeps its own namespace.
        var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);
        Assert.Equal(silos.Select(s => s.ProcessId).Order(), pids.Order());
        await rc[..].ScatterAsync("part", Enumerable.Range(0, 30).ToArray());
        var sums = await rc[..].ApplyAsync((int[] part) => part.Sum(), new Orleans.Parallel.Views.Reference<int[]>("part"));
        Assert.Equal(Enumerable.Range(0, 30).Sum(), sums.Sum());

        // Load-balanced tasks reach engines on more than one silo, and all come back right.
        var lb = rc.LoadBalancedView();
        var tasks = Enumerable.Range(0, 60).Select(i => lb.ApplyAsync((int x) => { Thread.Sleep(20); return (x * x, Environment.ProcessId); }, i)).ToArray();
        var results = new List<(int Square, int Pid)>();
        foreach (var task in tasks) results.Add(await task);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i * i), results.Select(r => r.Square));
        Assert.True(results.Select(r => r.Pid).Distinct().Count() >= 2, $"Load-balanced tasks ran in {results.Select(r => r.Pid).Distinct().Count()} silo process(es).");
        Assert.Equal([0, 4, 16], await lb.MapAsync((int x) => x * x, [0, 2, 4]));
    }

    [Fact]
    public async Task RedisClustering_WithoutConnection_IsRefusedWithAClearMessage()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { Clustering = ClusterMembership.Redis }));
        Assert.Contains("needs a connection", e.Message);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { Clustering = "zookeeper" }));
        Assert.Contains("localhost, redis, azure", unknown.Message);
    }
}
