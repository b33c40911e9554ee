using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation;

/// <summary>Isolation's settings: each refused with a message naming it, and the processor-time limit at work.</summary>
public sealed class IsolationSettingsTests
{
    [Theory]
    [InlineData("lots", "'lots' is not understood")]
    [InlineData("auto", "'auto' is for the silo's own heap limit")]
    [InlineData("10MiB", "under 64 MiB")]
    public void EngineMemoryLimit_NotASize_IsRefusedNamingIt(string spec, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new SiloSettings { Isolation = EngineIsolation.Process, EngineMemoryLimit = spec }.Validate());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void EngineMemoryLimit_AShare_IsThatShareOfTheMachinesMemory()
    {
        var bytes = new SiloSettings { Isolation = EngineIsolation.Process, EngineMemoryLimit = "10%" }.EngineMemoryBytes();
        Assert.Equal((long)(0.1 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes), bytes!.Value, (double)(1L << 20));
        Assert.Null(new SiloSettings { EngineMemoryLimit = "none" }.EngineMemoryBytes());
    }

    [Fact]
    public void LimitsWithoutIsolation_AreRefused_SayingWhatToSet()
    {
        var error = Assert.Throws<ArgumentException>(() => new SiloSettings { EngineMemoryLimit = "1GiB" }.Validate());
        Assert.Contains("Isolation = EngineIsolation.Process", error.Message);
        error = Assert.Throws<ArgumentException>(() => new SiloSettings { TaskCpuLimit = TimeSpan.FromSeconds(5) }.Validate());
        Assert.Contains("Isolation = EngineIsolation.Process", error.Message);
    }

    [Fact]
    public void TaskCpuLimit_NotPositive_IsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SiloSettings { Isolation = EngineIsolation.Process, TaskCpuLimit = TimeSpan.Zero }.Validate());
        Assert.Contains("processor-time limit must be positive", error.Message);
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("not the engine program", "exited with code")]
    public async Task EngineProgram_MissingOrNotTheEngines_FailsTheSiloStart_SayingWhy(string which, string expected)
    {
        var program = which == "missing" ? Path.Combine(Path.GetTempPath(), $"no-engine-{Guid.NewGuid():N}.dll") : typeof(Orleans.Parallel.Engine.EngineTask).Assembly.Location;
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts, o.Isolation) = (1, false, EngineIsolation.Process));
            silo.Services.Configure<Grains.Isolation.EngineProcessOptions>(o => o.Program = program);
        });
        var cluster = builder.Build();
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync().WaitAsync(TimeSpan.FromSeconds(120)));
            Assert.Contains(expected, error.ToString());
        }
        finally
        {
            try { await cluster.DisposeAsync(); }
            catch (Exception e) when (e is not OutOfMemoryException) { /* a silo that never started may not stop cleanly */ }
        }
    }

    [Fact]
    public async Task TaskCpuLimit_ATaskPastIt_FailsSayingSo_AndTheEngineRestarts()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o =>
        {
            (o.Engines, o.WarmUpScripts, o.Isolation) = (1, false, EngineIsolation.Process);
            o.TaskCpuLimit = TimeSpan.FromSeconds(1);
        }));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(60));
        // Within the limit: a task that sleeps uses no processor time.
        Assert.Equal(1, await rc[0].ApplyAsync(() => { Thread.Sleep(1500); return 1; }));

        var error = await Assert.ThrowsAsync<EngineException>(() => rc[0].ApplyAsync(() => { while (true) { } }).AsTask().WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("used more than its processor-time limit of 1 s", error.Message);
        await ClusterAssert.EventuallyAsync(async () =>
        {
            try { return await rc[0].ApplyAsync(() => 2).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) == 2; }
            catch (Exception e) when (e is EngineException or TimeoutException) { return false; }
        }, "the engine answers again", TimeSpan.FromSeconds(60));
    }
}
