using System.Diagnostics;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Testing;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// The one silo of a cluster killed with SIGKILL while tasks are outstanding: no other silo is left
/// to declare its death, so only the client's lost gateway tells of it. Every outstanding task, direct
/// or load-balanced, running or queued, fails with an <see cref="EngineException"/> naming the silo
/// within seconds (the grace period, 2 s by default), not after Orleans' 30 s response timeout.
/// </summary>
public sealed class SingleSiloDeathTests(ITestOutputHelper output)
{
    /// <summary>Orleans' response timeout is 30 s: a bound under it shows the tasks did not wait for it. The figure itself is the benchmark's.</summary>
    private static readonly TimeSpan WellUnderTheResponseTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SiloKilled_EveryOutstandingTaskFails_NamingTheSilo_InSeconds()
    {
        await using var silo = await SiloProcess.StartAsync(2);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60));

        // Running and queued on both engines, direct and load-balanced, scripts and functions.
        var running = rc[0].ApplyAsync(() => { Thread.Sleep(TimeSpan.FromMinutes(5)); return 1; });
        var script = rc[1].ExecuteAsync("System.Threading.Thread.Sleep(300_000);");
        var queued = rc[0].ApplyAsync(() => 2);
        var balanced = Enumerable.Range(0, 4).Select(i => rc.LoadBalancedView().ApplyAsync((int x) => x, i)).ToArray();
        await ClusterAssert.EventuallyAsync(async () => (await rc.QueueStatusAsync()).Engines.All(e => e.Running is not null), "both engines run a task", TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        silo.Kill();

        var all = new List<Task> { running.AsTask(), script.AsTask(), queued.AsTask() };
        all.AddRange(balanced.Select(b => b.AsTask()));
        foreach (var task in all)
        {
            var error = await Assert.ThrowsAsync<EngineException>(() => task.WaitAsync(WellUnderTheResponseTimeout));
            Assert.Contains("exited or is unreachable", error.Message);
        }
        var failedAfter = clock.Elapsed;
        output.WriteLine($"SIGKILL of the only silo to every outstanding task failed: {failedAfter.TotalSeconds:F2} s");
        var direct = await Assert.ThrowsAsync<EngineException>(() => running.AsTask());
        Assert.Equal(0, direct.EngineId);
        Assert.Contains($"127.0.0.1:{silo.SiloPort}@", direct.Message);
        Assert.Contains("did not come back within 2 s", direct.Message);
    }

    [Fact]
    public async Task NegativeGrace_IsRefused_NamingTheOption()
    {
        var options = new ParallelClientOptions { GatewayLossGrace = TimeSpan.FromSeconds(-3) };
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ParallelClient.ConnectAsync(options));
        Assert.Equal(nameof(ParallelClientOptions.GatewayLossGrace), error.ParamName);
        Assert.Contains("Timeout.InfiniteTimeSpan", error.Message);
    }
}
