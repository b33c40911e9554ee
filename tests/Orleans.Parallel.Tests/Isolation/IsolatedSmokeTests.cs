using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Isolation;

[Collection(IsolatedCollection.Name)]
public sealed class IsolatedSmokeTests(IsolatedClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Apply_RunsInAnotherProcess()
    {
        var pids = await Rc[..].ApplyAsync(() => Environment.ProcessId);
        Assert.Equal(2, pids.Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, pids);
    }

    [Fact]
    public async Task Execute_PushPull_KeepNamespace()
    {
        await Rc[..].ExecuteAsync("var a = 20; Console.WriteLine(\"hi\");");
        await Rc[..].PushAsync(new { b = 22 });
        var sums = await Rc[..].ApplyAsync((int a, int b) => a + b, new Reference<int>("a"), new Reference<int>("b"));
        Assert.All(sums, s => Assert.Equal(42, s));
        var big = Enumerable.Range(0, 1_000_000).Select(i => (double)i).ToArray();
        await Rc[0].PushAsync(new { big });
        var back = (await Rc[0..1].PullAsync<double[]>("big"))[0];
        Assert.Equal(big, back);
    }

    [Fact]
    public async Task LoadBalancedTasks_BackToBack_AllRunOnce_OnBothEngines()
    {
        var view = Rc.LoadBalancedView();
        var results = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => view.ApplyAsync((int n) => (n * 2, Environment.ProcessId), i).AsTask()));

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => i * 2), results.Select(r => r.Item1));
        Assert.Equal(2, results.Select(r => r.Item2).Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, results.Select(r => r.Item2));
    }
}
