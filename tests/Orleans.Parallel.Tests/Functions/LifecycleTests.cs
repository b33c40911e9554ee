using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Functions;

/// <summary>Outstanding results end when the client goes, and untyped gathers keep their items.</summary>
[Collection(ClusterCollection.Name)]
public class LifecycleTests(ClusterFixture fixture)
{
    [Fact]
    public async Task DisposedClient_OutstandingResult_EndsWithObjectDisposed_AndNewCallsThrow()
    {
        var client = await ParallelClient.FromClusterClientAsync(fixture.Cluster.Client);
        var slow = client[3].ApplyAsync(() => { Thread.Sleep(1500); return 1; });
        await client.DisposeAsync();
        Assert.True(slow.Wait(TimeSpan.FromSeconds(5)));
        var gone = Assert.Throws<ObjectDisposedException>(() => slow.Get());
        Assert.Contains("goes on", gone.Message);
        Assert.Contains($"GetResultAsync({slow.MsgId})", gone.Message);
        Assert.Throws<ObjectDisposedException>(() => client[3].PushAsync(new { after_dispose = 1 }));
        Assert.Equal(7, await fixture.Client[3].ApplyAsync((int x) => x, 7)); // the engine is fine

        // As the message says: the running task went on, and a new client fetches its result.
        await using var later = await ParallelClient.FromClusterClientAsync(fixture.Cluster.Client);
        Assert.Equal(1, await (await later.GetResultAsync<int>(slow.MsgId)).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task GatherOfObject_AfterScatterOfMixedItems_ReturnsTheItems()
    {
        object[] items = [1, "two", 3.0, 'f', 5L, "six"];
        var all = fixture.Client[..];
        await all.ScatterAsync("life_mixed", items);
        Assert.Equal(items, await all.GatherAsync<object>("life_mixed"));
    }
}
