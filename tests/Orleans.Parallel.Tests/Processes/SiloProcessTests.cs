using Orleans.Parallel.Testing;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>The real Silo executable in its own process, used through ParallelClient.ConnectAsync.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task SeparateSilo_ExecutePushPullApply_Work()
    {
        await using var silo = await SiloProcess.StartAsync(engines: 2);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal([0, 1], rc.Ids);

        var all = rc[..];
        await all.ExecuteAsync("var a = 5;");
        Assert.Equal([5, 5], await all.PullAsync<int>("a"));

        await all.PushAsync(new { b = new[] { 1.5, 2.5 }, s = "text" });
        Assert.Equal([new[] { 1.5, 2.5 }, new[] { 1.5, 2.5 }], await all.PullAsync<double[]>("b"));

        var scale = 3;
        var sums = await all.ApplyAsync((double[] b, int a) => b.Sum() * a * scale, new Reference<double[]>("b"), new Reference<int>("a"));
        Assert.Equal([60.0, 60.0], sums);

        Assert.Equal(7, await rc[1].ApplyAsync((int x) => x + 2, 5));
        Assert.Equal(0, await silo.StopAsync());
        Assert.Contains("silo stopped", silo.Output);
    }
}
