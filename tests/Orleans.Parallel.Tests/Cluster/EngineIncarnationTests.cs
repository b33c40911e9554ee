using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Ending engines the hard way (InterruptAsync, ShutdownAsync) and bringing ids back
/// (ReplaceEngineAsync). Uses its own small cluster, since it restarts and removes engines; it sits
/// in the cluster collection so it does not compete for the cores with the shared cluster's tests.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EngineIncarnationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<(InProcessTestCluster Cluster, ParallelClient Client)> StartAsync()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o => o.Engines = 2));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(2, Patience);
        return (cluster, rc);
    }

    /// <summary>A task that ignores every token: it waits for a file to appear.</summary>
    private static int WaitForFile(string path)
    {
        while (!File.Exists(path)) Thread.Sleep(10);
        return 1;
    }

    [Fact]
    public async Task Interrupt_TaskIgnoringItsToken_FailsWithEngineException_AndTheIdRestartsEmpty()
    {
        var (cluster, rc) = await StartAsync();
        var release = Path.Combine(Path.GetTempPath(), $"release_{Guid.NewGuid():N}");
        try
        {
            await using var _ = cluster;
            await using var __ = rc;
            await rc[..].PushAsync(new { kept = 4 });
            var stuck = rc[0].ApplyAsync(WaitForFile, release);
            var queued = rc[0].ApplyAsync(() => 2);
            await ClusterAssert.EventuallyAsync(async () => (await rc.QueueStatusAsync([0], verbose: true)).Engines[0].Running == stuck.MsgIds[0], "the stuck task runs");
            Assert.False((await stuck.AbortAsync(TimeSpan.FromMilliseconds(200))).AllEnded); // it ignores its token

            await rc.InterruptAsync(0);

            var error = await Assert.ThrowsAsync<EngineException>(() => stuck.AsTask().WaitAsync(Patience));
            Assert.Equal(0, error.EngineId);
            Assert.Contains("was interrupted", error.Message);
            await Assert.ThrowsAsync<TaskAbortedException>(() => queued.AsTask().WaitAsync(Patience));
            Assert.Equal([0, 1], rc.Ids);
            // The new incarnation: an empty namespace, in order from the first call.
            await Assert.ThrowsAnyAsync<Exception>(() => rc[0].PullAsync<int>("kept").AsTask());
            await rc[0].PushAsync(new { after = 3 });
            Assert.Equal(3, await rc[0].PullAsync<int>("after"));
            Assert.Equal(4, await rc[1].PullAsync<int>("kept")); // the other engine is untouched
        }
        finally
        {
            File.WriteAllText(release, ""); // lets the abandoned thread finish
        }
    }

    [Fact]
    public async Task Shutdown_TheEngineLeaves_UntilReplaceEngineAsyncBringsItsIdBack()
    {
        var (cluster, rc) = await StartAsync();
        await using var _ = cluster;
        await using var __ = rc;
        await rc[1].PushAsync(new { kept = 1 });

        await rc.ShutdownAsync(1);

        Assert.Equal([0], rc.Ids);
        Assert.Contains("has left the cluster", Assert.Throws<EngineException>(() => rc[1]).Message);
        await Assert.ThrowsAsync<EngineException>(() => rc.InterruptAsync(1));

        await rc.ReplaceEngineAsync(1);

        Assert.Equal([0, 1], rc.Ids);
        Assert.Equal(6, await rc[1].ApplyAsync(() => 6));
        await Assert.ThrowsAnyAsync<Exception>(() => rc[1].PullAsync<int>("kept").AsTask()); // a new, empty namespace
    }

    [Fact]
    public async Task Shutdown_AClientConnectedAfterwards_KnowsTheIdLeft_AndCanReplaceIt()
    {
        var (cluster, rc) = await StartAsync();
        await using var _ = cluster;
        await using var __ = rc;
        await rc.ShutdownAsync(1);

        // A new client (a program or notebook started again) never saw engine 1 leave; the registry says it did.
        await using var later = await ParallelClient.FromClusterClientAsync(cluster.Client);
        Assert.Equal([0], later.Ids);
        Assert.Contains("has left the cluster", Assert.Throws<EngineException>(() => later[1]).Message);
        Assert.IsType<ArgumentOutOfRangeException>(Assert.ThrowsAny<Exception>(() => later[2])); // never given out
        await later.ReplaceEngineAsync(1);

        Assert.Equal([0, 1], later.Ids);
        Assert.Equal(6, await later[1].ApplyAsync(() => 6));
        await ClusterAssert.EventuallyAsync(() => rc.Ids.Count == 2, "the first client sees the replaced engine", Patience);
        Assert.Equal(7, await rc[1].ApplyAsync(() => 7));
    }

    [Fact]
    public async Task ReplaceEngineAsync_LiveOrUnknownId_IsRefusedNamingIt_AndNothingChanges()
    {
        var (cluster, rc) = await StartAsync();
        await using var _ = cluster;
        await using var __ = rc;
        await rc[0].PushAsync(new { kept = 2 });

        Assert.Contains("InterruptAsync", (await Assert.ThrowsAsync<InvalidOperationException>(() => rc.ReplaceEngineAsync(0))).Message);
        Assert.Contains("7", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rc.ReplaceEngineAsync(7))).Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rc.InterruptAsync(7));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rc.ShutdownAsync(-1));

        Assert.Equal([0, 1], rc.Ids);
        Assert.Equal(2, await rc[0].PullAsync<int>("kept"));
    }
}
