using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Three real silo processes that find each other through a real membership store, with an engine
/// on each, and a client that finds their gateways the same way and works across all of them. Run
/// once per store (<see cref="RedisClusteringTests"/>, <see cref="AzureClusteringTests"/>).
/// </summary>
public abstract class ThreeSiloCluster
{
    /// <summary>The clustering kind under test.</summary>
    protected abstract string Clustering { get; }

    /// <summary>The store's connection, as silos and clients take it.</summary>
    protected abstract string Connection { get; }

    [Fact]
    public async Task ThreeSilos_OneEngineEach_DirectAndLoadBalancedWorkSpansEverySilo()
    {
        var cluster = $"{Clustering}{Guid.NewGuid():N}"; // a fresh membership table in the shared store
        string[] Args() => ["--clustering", Clustering, "--clustering-connection", Connection, "--cluster-id", cluster];
        await using var first = await SiloProcess.StartAsync(1, null, Args());
        await using var second = await SiloProcess.StartAsync(1, null, Args());
        await using var third = await SiloProcess.StartAsync(1, null, Args());
        var silos = new[] { first, second, third };

        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions
        {
            Clustering = Clustering,
            ClusteringConnection = Connection,
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
    public async Task SiloJoiningLater_AddsItsEngines_ToIdsAndTheScheduler()
    {
        var cluster = $"{Clustering}{Guid.NewGuid():N}";
        string[] Args() => ["--clustering", Clustering, "--clustering-connection", Connection, "--cluster-id", cluster];
        await using var first = await SiloProcess.StartAsync(1, null, Args());
        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { Clustering = Clustering, ClusteringConnection = Connection, ClusterId = cluster });
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(60));
        await rc[0].ExecuteAsync("var kept = 41;");
        var joined = new List<int>();
        var changes = new List<string>();
        rc.EnginesChanged += (_, e) =>
        {
            lock (joined)
            {
                joined.AddRange(e.Added);
                changes.Add($"+[{string.Join(",", e.Added)}] -[{string.Join(",", e.Removed)}] = [{string.Join(",", e.Ids)}]");
            }
        };

        await using var later = await SiloProcess.StartAsync(2, null, Args());
        await rc.WaitForEnginesAsync(3, TimeSpan.FromSeconds(60));

        Assert.Equal([0, 1, 2], rc.Ids);
        lock (joined) Assert.True(joined.Order().SequenceEqual([1, 2]), $"Engine changes seen: {string.Join("; ", changes)}");
        // Late or reordered pushes must not make the joined engines flap out of Ids again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        lock (joined) Assert.True(rc.Ids.Count == 3, $"Ids went to [{string.Join(",", rc.Ids)}] after: {string.Join("; ", changes)}");
        Assert.Equal([later.ProcessId, later.ProcessId], await rc[1..3].ApplyAsync(() => Environment.ProcessId));
        Assert.Equal(41, await rc[0].PullAsync<int>("kept")); // the first silo's engine kept its namespace
        // The scheduler uses the new engines: a view limited to them runs its tasks there.
        var onNew = rc.LoadBalancedView(new[] { 1, 2 });
        var pids = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => await onNew.ApplyAsync(() => Environment.ProcessId)));
        Assert.All(pids, pid => Assert.Equal(later.ProcessId, pid));
    }

    [Fact]
    public async Task WithoutConnection_IsRefusedWithAClearMessage()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { Clustering = Clustering }));
        Assert.Contains("needs a connection", e.Message);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { Clustering = "zookeeper" }));
        Assert.Contains("localhost, redis, azure", unknown.Message);
    }
}

/// <summary>The three-silo cluster on Orleans' Redis membership, against a real Redis server.</summary>
public sealed class RedisClusteringTests(RedisServer redis) : ThreeSiloCluster, IClassFixture<RedisServer>
{
    protected override string Clustering => ClusterMembership.Redis;
    protected override string Connection => redis.Connection;
}

/// <summary>The three-silo cluster on Orleans' Azure Table membership, against Azurite.</summary>
public sealed class AzureClusteringTests(AzuriteServer azurite) : ThreeSiloCluster, IClassFixture<AzuriteServer>
{
    protected override string Clustering => ClusterMembership.Azure;
    protected override string Connection => azurite.ConnectionString;

    [Fact]
    public async Task BadConnectionString_IsRefusedWithAClearMessage()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { Clustering = Clustering, ClusteringConnection = "not a connection string" }));
        Assert.Contains("connection string is not valid", e.Message);
    }
}
