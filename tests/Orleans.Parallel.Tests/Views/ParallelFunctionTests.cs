using Orleans.Parallel.Errors;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Views;

/// <summary>view.Parallel(f): ipyparallel's @parallel, element-wise, on both kinds of view.</summary>
[Collection(ClusterCollection.Name)]
public class ParallelFunctionTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task DirectView_Parallel_OneBlockPerEngineResultsInInputOrder()
    {
        var square = Rc[..].Parallel((int x) => x * x);
        var ar = square.MapAsync(Enumerable.Range(0, 100));
        Assert.Equal(ClusterFixture.EngineCount, ar.MsgIds.Count);
        IReadOnlyList<int> squares = await ar;
        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), squares);
        Assert.Equal(Rc.Ids.Order(), ar.Metadata.Select(m => m.EngineId).Order());
    }

    [Fact]
    public async Task DirectView_Parallel_OnTwoEngines_TwoTasks()
    {
        var ar = Rc[0..2].Parallel((int x) => -x).MapAsync(Enumerable.Range(0, 9));
        Assert.Equal(2, ar.MsgIds.Count);
        Assert.Equal(Enumerable.Range(0, 9).Select(x => -x), await ar);
    }

    [Fact]
    public async Task LoadBalanced_Parallel_AsyncFunctionChunked()
    {
        var next = Rc.LoadBalancedView().Parallel(async (int x) =>
        {
            await Task.Yield();
            return x + 1L;
        }, chunkSize: 10);
        var ar = next.MapAsync(Enumerable.Range(0, 95));
        Assert.Equal(10, ar.MsgIds.Count);
        Assert.Equal(Enumerable.Range(1, 95).Select(x => (long)x), await ar);
    }

    [Fact]
    public async Task Parallel_CalledAgain_MapsTheNewItems()
    {
        var words = Rc.LoadBalancedView().Parallel((string s) => s.ToUpperInvariant(), chunkSize: 2);
        Assert.Equal(["A", "BC"], await words.MapAsync(["a", "bc"]));
        Assert.Equal(["X", "Y", "Z"], words.MapSync(["x", "y", "z"]));
    }

    [Fact]
    public async Task Parallel_AsFunc_IsAPlainDelegateOverSequences()
    {
        Func<IEnumerable<int>, Task<IReadOnlyList<double>>> half = Rc[..].Parallel((int x) => x / 2.0).AsFunc();
        Assert.Equal(Enumerable.Range(0, 30).Select(x => x / 2.0), await half(Enumerable.Range(0, 30)));
    }

    [Fact]
    public void Parallel_Map_WaitsWhenTheViewBlocks()
    {
        var slow = Rc[..].With(block: true).Parallel((int x) =>
        {
            Thread.Sleep(100);
            return x;
        });
        Assert.True(slow.Map([1, 2, 3, 4]).Ready);
        var notBlocking = Rc[..].Parallel((int x) =>
        {
            Thread.Sleep(300);
            return x;
        });
        var ar = notBlocking.Map([1, 2, 3, 4]);
        Assert.False(ar.Ready);
        Assert.Equal([1, 2, 3, 4], ar.Get());
    }

    [Fact]
    public async Task Parallel_FailingItem_RaisesItsRemoteError()
    {
        var ar = Rc.LoadBalancedView().Parallel((int x) => x == 13 ? throw new InvalidOperationException("thirteen") : x).MapAsync(Enumerable.Range(0, 20));
        // As every map's: the failed tasks' errors, together.
        var composite = await Assert.ThrowsAsync<CompositeException>(async () => await ar);
        var e = Assert.IsType<RemoteException>(Assert.Single(composite.Errors));
        Assert.Equal(typeof(InvalidOperationException).FullName, e.RemoteType);
        Assert.Equal(13, e.ItemIndex);
        Assert.Contains("thirteen", e.RemoteMessage);
    }

    [Fact]
    public void Parallel_NullFunction_Refused()
    {
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => Rc[..].Parallel((Func<int, int>)null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => Rc[..].Parallel((Func<int, Task<int>>)null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => Rc.LoadBalancedView().Parallel((Func<int, int>)null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => Rc.LoadBalancedView().Parallel((Func<int, Task<int>>)null!)).ParamName);
    }

    [Fact]
    public async Task Parallel_NullItems_RefusedOnTheClient()
    {
        var direct = Rc[..].Parallel((int x) => x);
        var balanced = Rc.LoadBalancedView().Parallel((int x) => x);
        var e = await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => direct.MapAsync(null!));
        Assert.Equal("items", e.ParamName);
        e = await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => balanced.MapSync(null!));
        Assert.Equal("items", e.ParamName);
    }

    [Fact]
    public void LoadBalanced_Parallel_ChunkSizeBelowOne_Refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Rc.LoadBalancedView().Parallel((int x) => x, chunkSize: 0));
        Assert.Equal("chunkSize", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Rc.LoadBalancedView().Parallel(async (int x) => await Task.FromResult(x), chunkSize: -3));
        Assert.Equal("chunkSize", e.ParamName);
    }
}
