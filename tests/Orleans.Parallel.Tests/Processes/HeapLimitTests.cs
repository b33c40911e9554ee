using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// A silo's GC heap hard limit: a task that allocates without end fails with OutOfMemoryException
/// on its engine, and the silo, that engine and the others keep running with their namespaces.
/// </summary>
public sealed class HeapLimitTests
{
    [Fact]
    public async Task AllocatingWithoutEnd_FailsTheTask_TheSiloAndEveryEngineLive()
    {
        await using var silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--heap-limit", "1GiB");
        Assert.Contains("heap limit 1.0 GiB", silo.Output);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60));
        await rc[..].ExecuteAsync("var kept = 17;");

        var error = await Assert.ThrowsAsync<RemoteException>(() => rc[0].ExecuteAsync("""
            var hoard = new System.Collections.Generic.List<byte[]>();
            while (true) hoard.Add(new byte[1 << 20]);
            """).AsTask());
        Assert.Equal(typeof(OutOfMemoryException).FullName, error.RemoteType);

        Assert.False(silo.HasExited);
        Assert.Equal([17, 17], await rc[..].PullAsync<int>("kept"));
        Assert.Equal([3, 3], await rc[..].ApplyAsync(() => 1 + 2));
    }

    [Theory]
    [InlineData("auto", 0.75, null)]
    [InlineData("none", null, null)]
    [InlineData("60%", 0.6, null)]
    [InlineData("8GiB", null, 8L << 30)]
    [InlineData("512mb", null, 512L << 20)]
    [InlineData("2000000000", null, 2_000_000_000L)]
    public void Specs_AreRead(string spec, double? fraction, long? bytes) =>
        Assert.Equal((fraction, bytes), HeapLimit.Parse(spec));

    [Theory]
    [InlineData("lots")]
    [InlineData("0%")]
    [InlineData("150%")]
    [InlineData("1MiB")]
    public void BadSpecs_AreNamed(string spec)
    {
        var error = Assert.Throws<ArgumentException>(() => HeapLimit.Parse(spec));
        Assert.Contains($"'{spec}'", error.Message);
    }

    [Fact]
    public async Task BadSpec_StopsTheSiloAtStart_NamingIt()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => SiloProcess.StartAsync(1, TimeSpan.FromSeconds(120), "--heap-limit", "lots"));
        Assert.Contains("heap limit 'lots' is not understood", error.Message);
    }
}
