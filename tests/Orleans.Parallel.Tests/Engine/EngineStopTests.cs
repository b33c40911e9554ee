using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Cluster;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>A silo that shuts down gracefully ends every task its engines accepted; none is left waiting.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EngineStopTests
{
    [Fact]
    public async Task SiloStops_WhileEngineBusy_QueuedTasksAbort_RunningOneEnds_OtherEngineUnaffected()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts) = (1, false)));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var second = await cluster.StartAdditionalSiloAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(10));

        var running = rc[1].ApplyAsync(() => { Thread.Sleep(1500); return 1; });
        var queued = new[] { rc[1].ApplyAsync(() => 2), rc[1].ApplyAsync(() => 3) };
        await ClusterAssert.EventuallyAsync(async () => (await rc[1].QueueStatusAsync()).Queued.Count == 2, "both tasks wait behind the running one");

        await cluster.StopSiloAsync(second);

        foreach (var result in queued)
        {
            Assert.True(result.Wait(TimeSpan.FromSeconds(15)), "a queued task was left waiting");
            Assert.Throws<TaskAbortedException>(() => result.Get());
        }
        Assert.True(running.Wait(TimeSpan.FromSeconds(15)), "the running task was left waiting");
        if (!running.Successful) Assert.IsType<EngineException>(running.Metadata[0].Error);
        await ClusterAssert.EventuallyAsync(() => Task.FromResult(rc.Ids.Count == 1), "the stopped engine leaves Ids");
        Assert.Equal(4, await rc[0].ApplyAsync((int x) => x * 2, 2));
    }
}
