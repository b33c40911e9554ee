using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>Load-balanced Map and IMap, ported from ipyparallel's test_lbview and test_asyncresult.</summary>
[Collection(ClusterCollection.Name)]
public class BalancedMapTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Map_Chunked_TaskCountIsCeilingAndResultsInOrder()
    {
        var lb = Rc.LoadBalancedView();
        var ar = lb.MapAsync((int x) => x * x, Enumerable.Range(0, 103), chunkSize: 10);
        Assert.Equal(11, ar.MsgIds.Count);
        Assert.Equal(Enumerable.Range(0, 103).Select(x => x * x), await ar);
    }

    [Fact]
    public async Task Map_Unordered_IteratesInCompletionOrderButGetIsOrdered()
    {
        var lb = Rc.LoadBalancedView();
        // The first item sleeps longest, so it finishes last when iterated in completion order.
        var ar = lb.MapAsync((int x) => { Thread.Sleep(x == 0 ? 400 : 5); return x; }, Enumerable.Range(0, 8), ordered: false);
        var seen = new List<int>();
        await foreach (var x in ar) seen.Add(x);
        Assert.Equal(Enumerable.Range(0, 8), seen.Order());
        Assert.NotEqual(0, seen[0]);
        Assert.Equal(Enumerable.Range(0, 8), ar.Get());
    }

    [Fact]
    public async Task Map_Ordered_IteratesInInputOrder()
    {
        var lb = Rc.LoadBalancedView();
        var ar = lb.MapAsync((int x) => { Thread.Sleep(x == 0 ? 200 : 5); return x; }, Enumerable.Range(0, 8));
        var seen = new List<int>();
        await foreach (var x in ar) seen.Add(x);
        Assert.Equal(Enumerable.Range(0, 8), seen);
    }

    [Fact]
    public async Task Map_ShortFirstOrLast_CutsToTheShorter()
    {
        var lb = Rc.LoadBalancedView();
        Assert.Equal([11, 22, 33], await lb.MapAsync((int a, int b) => a + b, [1, 2, 3], [10, 20, 30, 40, 50]));
        Assert.Equal([11, 22], await lb.MapAsync((int a, int b) => a + b, [1, 2, 3, 4], [10, 20], chunkSize: 3));
    }

    [Fact]
    public async Task Map_EmptyInput_EmptyResultNoTasks()
    {
        var ar = Rc.LoadBalancedView().MapAsync((int x) => x, Array.Empty<int>());
        Assert.Empty(ar.MsgIds);
        Assert.Empty(await ar);
    }

    [Fact]
    public void Map_ChunkSizeZero_Refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Rc.LoadBalancedView().MapAsync((int x) => x, [1, 2], chunkSize: 0));
        Assert.Equal("chunkSize", e.ParamName);
    }

    [Fact]
    public async Task IMap_LazySource_YieldsAllInOrder()
    {
        var lb = Rc.LoadBalancedView();
        var seen = new List<int>();
        await foreach (var x in lb.IMap((int x) => x + 1, Enumerable.Range(0, 500), chunkSize: 7, maxOutstanding: 4)) seen.Add(x);
        Assert.Equal(Enumerable.Range(1, 500), seen);
    }

    [Fact]
    public async Task IMap_NeverReadsFurtherThanTheWindow()
    {
        var lb = Rc.LoadBalancedView();
        var read = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; ; i++)
            {
                read = i + 1;
                yield return i;
            }
        }
        var taken = 0;
        await foreach (var x in lb.IMap((int x) => x, Source(), maxOutstanding: 3))
        {
            Assert.Equal(taken, x);
            // At most the window (3) plus the one item being yielded has been read ahead.
            Assert.True(read <= taken + 4, $"read {read} items while yielding item {taken}");
            if (++taken == 50) break;
        }
        Assert.Equal(50, taken);
    }

    [Fact]
    public async Task IMap_AsyncSourceUnordered_YieldsAll()
    {
        static async IAsyncEnumerable<int> Source()
        {
            for (var i = 0; i < 60; i++)
            {
                if (i % 10 == 0) await Task.Delay(1);
                yield return i;
            }
        }
        var seen = new List<int>();
        await foreach (var x in Rc.LoadBalancedView().IMap((int x) => x * 2, Source(), chunkSize: 5, ordered: false)) seen.Add(x);
        Assert.Equal(Enumerable.Range(0, 60).Select(x => x * 2), seen.Order());
    }

    [Fact]
    public async Task IMap_Cancelled_StopsAndAbortsWhatWaits()
    {
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Rc.LoadBalancedView().IMap((int x) => { Thread.Sleep(20); return x; }, Enumerable.Range(0, 10_000), cancellationToken: cancel.Token))
                if (++seen == 5) await cancel.CancelAsync();
        });
        Assert.Equal(5, seen);
        // Nothing of the map is left waiting for an engine.
        Assert.True(await Rc.LoadBalancedView().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
