using Xunit.Abstractions;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>The real Silo executable in its own process, used through ParallelClient.ConnectAsync.</summary>
public sealed class SiloProcessTests(ITestOutputHelper output)
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

    /// <summary>
    /// A 1 GiB array is ten times Orleans' largest message: it travels on the bulk path, straight
    /// into the engine's own array and back, so the silo needs the array itself and little more.
    /// </summary>
    [Fact]
    public async Task SeparateSilo_OneGibibyteArray_PushesAndPullsInBoundedExtraMemory()
    {
        const long GiB = 1L << 30;
        await using var silo = await SiloProcess.StartAsync(engines: 1);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(30));
        await rc[0].ExecuteAsync("var warm = 1;");

        var data = GC.AllocateUninitializedArray<double>((int)(GiB / sizeof(double)));
        for (var i = 0; i < data.Length; i++) data[i] = i * 0.5;
        var before = silo.StatusKilobytes("VmRSS") * 1024;

        await rc[0].PushAsync(new { huge = data });
        Assert.Equal((data.Length, data[^1]), await rc[0].ApplyAsync((double[] h) => (h.Length, h[^1]), new Reference<double[]>("huge")));
        var back = await rc[0].PullAsync<double[]>("huge");
        Assert.True(back.AsSpan().SequenceEqual(data));

        var extra = silo.StatusKilobytes("VmHWM") * 1024 - before;
        output.WriteLine($"silo resident before the push: {before >> 20} MiB; peak growth over push and pull: {extra >> 20} MiB");
        Assert.True(extra < GiB + 256 * 1024 * 1024, $"The silo's peak grew by {extra / (1 << 20)} MiB for a 1 GiB array.");
        Assert.Equal(0, await silo.StopAsync());
    }
}
