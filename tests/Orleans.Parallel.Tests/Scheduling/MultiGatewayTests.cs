using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Results;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>
/// Two clients, each entering the cluster at a different silo, so each silo's task queue has tasks at
/// once: every queue offers its tasks to the engines of both silos, so a silo's engines do not sit
/// idle while the other silo's queue waits.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MultiGatewayTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static int Nap(int x)
    {
        Thread.Sleep(5);
        return x;
    }

    [Fact]
    public async Task TwoClientsOnTwoSilos_EachUsesItsSilosQueue_AndTheBusierQueueAlsoUsesTheOtherSilosEngines()
    {
        var silos = fixture.Cluster.Silos;
        Assert.True(silos.Count >= 2, "the shared cluster has two silos");
        await using var first = await ConnectToAsync(0);
        await using var second = await ConnectToAsync(1);

        // The first client floods its silo's queue; the second gives its own a little work.
        const int Many = 200, Few = 20;
        var firstResults = Enumerable.Range(0, Many).Select(i => first.LoadBalancedView().ApplyAsync<int, int>(Nap, i)).ToArray();
        var secondResults = Enumerable.Range(0, Few).Select(i => second.LoadBalancedView().ApplyAsync<int, int>(Nap, 1000 + i)).ToArray();
        foreach (var result in firstResults.Concat(secondResults)) Assert.True(await result.WaitAsync(Patience), $"task {result.MsgIds[0]} did not end");
        for (var i = 0; i < Many; i++) Assert.Equal(i, firstResults[i].Get());
        for (var i = 0; i < Few; i++) Assert.Equal(1000 + i, secondResults[i].Get());

        // Each client's batches went to the queue of the silo it entered the cluster at.
        Assert.Equal([silos[0].SiloAddress.ToParsableString()], QueuesOf(firstResults));
        Assert.Equal([silos[1].SiloAddress.ToParsableString()], QueuesOf(secondResults));

        // The second silo's engines did not sit idle once their own queue was empty: they ran the first queue's tasks too.
        var directory = await fixture.Cluster.Client.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync();
        var siloOf = directory.Engines.ToDictionary(e => e.EngineId, e => e.SiloName);
        Assert.Equal(2, SilosThatRan(firstResults, siloOf).Count);
    }

    /// <summary>
    /// A client whose calls enter the cluster at silo <paramref name="silo"/>: the test cluster's
    /// transport is in memory, so a second gateway connection is made from that silo's own client.
    /// </summary>
    private async Task<ParallelClient> ConnectToAsync(int silo)
    {
        var client = fixture.Cluster.Silos[silo].SiloHost.Services.GetRequiredService<IClusterClient>();
        var rc = await ParallelClient.FromClusterClientAsync(client);
        await rc.WaitForEnginesAsync(ClusterFixture.EngineCount, TimeSpan.FromSeconds(30));
        return rc;
    }

    private static string[] QueuesOf(IEnumerable<AsyncResult> results) =>
        [.. results.SelectMany(r => r.Messages).Select(m => m.Queue?.Queue ?? "(none)").Distinct()];

    private static HashSet<string> SilosThatRan(IEnumerable<AsyncResult> results, Dictionary<int, string> siloOf) =>
        [.. results.SelectMany(r => r.Metadata).Select(m => siloOf[m.EngineId])];
}
