using Orleans.Parallel.Errors;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Views;

/// <summary>view.Remote(f): ipyparallel's @remote, one result per engine on a DirectView, one result on a LoadBalancedView.</summary>
[Collection(ClusterCollection.Name)]
public class RemoteFunctionTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task DirectView_Remote_OneResultPerEngine()
    {
        var hostName = Rc[..].Remote(() => Environment.MachineName);
        IReadOnlyList<string> names = await hostName.InvokeAsync();
        Assert.Equal(Enumerable.Repeat(Environment.MachineName, ClusterFixture.EngineCount), names);
    }

    [Fact]
    public async Task DirectView_Remote_TakesReferencesToEachEnginesVariables()
    {
        var all = Rc[..];
        var data = Enumerable.Range(1, 103).ToArray();
        await all.ScatterAsync("remote_x", data);
        var sum = all.Remote((int[] x, int times) => x.Sum() * times);
        var sums = await sum.InvokeAsync(new Reference<int[]>("remote_x"), 2);
        Assert.Equal(ClusterFixture.EngineCount, sums.Count);
        Assert.Equal(data.Sum() * 2, sums.Sum());
        Assert.All(sums, s => Assert.True(s > 0));
    }

    [Fact]
    public async Task LoadBalanced_Remote_OneResult()
    {
        var add = Rc.LoadBalancedView().Remote((int a, int b) => a + b);
        int s = await add.InvokeAsync(2, 3);
        Assert.Equal(5, s);
        Assert.Equal(42, add.InvokeSync(40, 2));
        var ar = add.InvokeAsync(1, 1);
        Assert.Single(ar.MsgIds);
        Assert.Equal(2, await ar);
    }

    [Fact]
    public async Task LoadBalanced_Remote_AsyncFunctionsOfEveryArity()
    {
        var lb = Rc.LoadBalancedView();
        Assert.Equal(7, await lb.Remote(async () => { await Task.Yield(); return 7; }).InvokeAsync());
        Assert.Equal("ab", await lb.Remote(async (string a) => { await Task.Yield(); return a + "b"; }).InvokeAsync("a"));
        Assert.Equal(24L, await lb.Remote(async (long a, long b, long c) => { await Task.Yield(); return a * b * c; }).InvokeAsync(2, 3, 4));
        Assert.Equal(9, await lb.Remote((int a, int b, int c) => a + b + c).InvokeAsync(2, 3, 4));
    }

    [Fact]
    public async Task DirectView_Remote_AsyncFunction_AwaitedOnEachEngine()
    {
        var values = await Rc[..].Remote(async (int x) => { await Task.Delay(5); return x * 10; }).InvokeAsync(4);
        Assert.Equal(Enumerable.Repeat(40, ClusterFixture.EngineCount), values);
    }

    [Fact]
    public void Remote_Invoke_WaitsWhenTheViewBlocks()
    {
        var slow = Rc.LoadBalancedView().With(block: true).Remote(() =>
        {
            Thread.Sleep(100);
            return 1;
        });
        Assert.True(slow.Invoke().Ready);
        var notBlocking = Rc[..].Remote(() =>
        {
            Thread.Sleep(300);
            return 1;
        });
        var ar = notBlocking.Invoke();
        Assert.False(ar.Ready);
        Assert.Equal(ClusterFixture.EngineCount, ar.Get().Count);
    }

    [Fact]
    public async Task Remote_FailingFunction_RaisesItsRemoteError()
    {
        var fail = Rc.LoadBalancedView().Remote((int x) => x > 0 ? throw new InvalidOperationException($"no {x}") : x);
        var e = await Assert.ThrowsAsync<RemoteException>(async () => await fail.InvokeAsync(5));
        Assert.Equal(typeof(InvalidOperationException).FullName, e.RemoteType);
        Assert.Contains("no 5", e.RemoteMessage);
        Assert.Equal(0, await fail.InvokeAsync(0));
    }

    [Fact]
    public void Remote_NullFunction_Refused()
    {
        var all = Rc[..];
        var lb = Rc.LoadBalancedView();
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => all.Remote((Func<int>)null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => all.Remote((Func<int, Task<int>>)null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => lb.Remote((Func<int, int, int>)null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => lb.Remote((Func<int, int, int, Task<int>>)null!)).ParamName);
    }
}
