using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>Load-balanced Apply: tasks run somewhere, results are single values, work spreads over engines.</summary>
[Collection(ClusterCollection.Name)]
public class BalancedApplyTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Apply_OneTask_ReturnsItsValueAndEngine()
    {
        var lb = Rc.LoadBalancedView();
        var ar = lb.ApplyAsync((int x) => x * 2, 21);
        Assert.Equal(42, await ar);
        Assert.Contains(ar.Metadata[0].EngineId, Rc.Ids);
    }

    [Fact]
    public async Task Apply_ManyTasks_AllEnginesTakeSome()
    {
        // Engines still finishing another test's work would miss a short burst.
        await Rc.WaitAsync(TimeSpan.FromSeconds(30));
        var lb = Rc.LoadBalancedView();
        var results = Enumerable.Range(0, 200).Select(i => lb.ApplyAsync(() => { Thread.Sleep(5); return i; })).ToArray();
        foreach (var (ar, i) in results.Select((r, i) => (r, i))) Assert.Equal(i, await ar);
        var engines = results.Select(r => r.Metadata[0].EngineId).Distinct().Order().ToArray();
        Assert.Equal(Rc.Ids.Order().ToArray(), engines);
    }

    [Fact]
    public async Task Apply_Subset_RunsOnlyThere()
    {
        var ids = Rc.Ids;
        var lb = Rc.LoadBalancedView([ids[1], ids[2]]);
        var results = Enumerable.Range(0, 40).Select(i => lb.ApplyAsync(() => i)).ToArray();
        await Task.WhenAll(results.Select(r => r.AsTask()));
        Assert.All(results, r => Assert.Contains(r.Metadata[0].EngineId, new[] { ids[1], ids[2] }));
    }
}
