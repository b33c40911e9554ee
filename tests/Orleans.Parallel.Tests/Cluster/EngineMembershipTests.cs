using Orleans.Parallel.Hosting;
using Orleans.Parallel.Registry;
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
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o => o.Engines = 1));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal([0], rc.Ids);
        var changes = new System.Collections.Concurrent.ConcurrentQueue<EnginesChangedEventArgs>();
        rc.EnginesChanged += (sender, change) =>
        {
            Assert.Same(rc, sender);
            changes.Enqueue(change);
        };
        var everyEngine = rc[..];

        // The registry's own push, seen by an observer of our own (no poll involved).
        var pushed = new PushedDirectories();
        var reference = cluster.Client.CreateObjectReference<IEngineDirectoryObserver>(pushed);
        var registry = cluster.Client.GetGrain<IEngineRegistryGrain>(0);
        Assert.Single((await registry.SubscribeAsync(reference)).Engines);

        var second = await cluster.StartAdditionalSiloAsync();
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(rc.Ids.Count == 2), "the new silo's engine appears in Ids");

        Assert.Equal([0, 1], rc.Ids);
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(changes.Any(c => c.Added.SequenceEqual([1]))), "EnginesChanged names the engine that came");
        Assert.All(changes, c => Assert.Empty(c.Removed));
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(pushed.Latest?.Engines.Count == 2), "the registry pushed the new list");
        await registry.UnsubscribeAsync(reference);
        await everyEngine.PushAsync(new { member_a = 1 });
        Assert.Equal([1, 1], await everyEngine.PullAsync<int>("member_a"));

        await cluster.StopSiloAsync(second);
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(rc.Ids.Count == 1), "the stopped silo's engine leaves Ids");
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(changes.Any(c => c.Removed.SequenceEqual([1]) && c.Ids.SequenceEqual([0]))),
            "EnginesChanged names the engine that went");
        Assert.Equal(2, pushed.Latest!.Engines.Count); // unsubscribed: no more pushes

        Assert.Equal([0], rc.Ids);
        // An engine that left is never quietly made again under its id: asking for it says it left.
        Assert.Contains("Engine 1 has left the cluster", Assert.Throws<Orleans.Parallel.Errors.EngineException>(() => rc[1]).Message);
        Assert.Equal([1], await everyEngine.PullAsync<int>("member_a"));
    }

    /// <summary>
    /// Keeps the newest directory pushed. Pushes are one-way calls that a client may run concurrently and
    /// in any order (the reservation's version and the listing's come close together), so "newest" is by
    /// version, as ParallelClient itself judges them, not by arrival.
    /// </summary>
    private sealed class PushedDirectories : IEngineDirectoryObserver
    {
        private readonly Lock _gate = new();
        private EngineDirectory? _latest;

        public EngineDirectory? Latest
        {
            get { lock (_gate) return _latest; }
        }

        public Task OnEnginesChangedAsync(EngineDirectory directory)
        {
            lock (_gate)
                if (_latest is null || directory.IsNewerThan(_latest)) _latest = directory;
            return Task.CompletedTask;
        }
    }
}
