using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// Arrays past 2 GiB travel, as the README promises: <c>Buffer.ByteLength</c> (an int) once made them
/// fail with an OverflowException. A silo process of its own, so the 4–6 GiB this takes is freed with it.
/// </summary>
public sealed class HugeArrayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task DoubleArrayPastTwoGiB_PushedAndPulledWhole()
    {
        await using var silo = await SiloProcess.StartAsync(1, Patience);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(1, Patience);
        var length = (1 << 28) + 16; // 2 GiB and 128 bytes of doubles
        var data = GC.AllocateUninitializedArray<double>(length);
        for (var i = 0; i < length; i += 4096) data[i] = i;
        data[^1] = -1;

        await rc[0].PushAsync(new { huge = data }).AsTask().WaitAsync(Patience);
        await rc[0].ExecuteAsync("var huge_length = huge.Length; var huge_last = huge[^1]; var huge_4096 = huge[4096];").AsTask().WaitAsync(Patience);
        Assert.Equal(length, await rc[0].PullAsync<int>("huge_length"));
        Assert.Equal(-1, await rc[0].PullAsync<double>("huge_last"));
        Assert.Equal(4096, await rc[0].PullAsync<double>("huge_4096"));
        var back = await rc[0].PullAsync<double[]>("huge").AsTask().WaitAsync(Patience);

        Assert.Equal(length, back.Length);
        for (var i = 0; i < length; i += 4096) Assert.Equal(i, back[i]);
        Assert.Equal(-1, back[^1]);
        await rc[0].ClearAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(0, await silo.StopAsync());
    }
}
