using Orleans.Parallel.Testing;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A client of a localhost-clustering cluster given every silo's gateway keeps working when one of
/// those silos is killed with SIGKILL (with one gateway it would have to connect again).
/// </summary>
public sealed class StaticGatewaysTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NothingHangs = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ClientWithEveryGateway_OneGatewaySiloKilled_KeepsWorkingThroughTheOthers()
    {
        var cluster = $"gw{Guid.NewGuid():N}";
        await using var primary = await SiloProcess.StartAsync(1, null, ["--cluster-id", cluster]);
        string[] Join() => ["--cluster-id", cluster, "--primary-silo-port", primary.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        await using var victim = await SiloProcess.StartAsync(1, null, Join());
        await using var third = await SiloProcess.StartAsync(1, null, Join());
        // The victim's gateway first: the one a single-gateway client would have used.
        var options = new ParallelClientOptions { GatewayPort = victim.GatewayPort, ClusterId = cluster };
        options.AdditionalGateways.Add($"127.0.0.1:{primary.GatewayPort}");
        options.AdditionalGateways.Add($"127.0.0.1:{third.GatewayPort}");
        await using var rc = await ParallelClient.ConnectAsync(options);
        await rc.WaitForEnginesAsync(3, NothingHangs);
        var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);
        var doomed = rc.Ids[pids.ToList().IndexOf(victim.ProcessId)];
        var survivors = rc.Ids.Where(id => id != doomed).ToArray();
        await rc[survivors].ExecuteAsync("var kept = 5;");

        victim.Kill();
        await ClusterAssert.EventuallyAsync(() => !rc.Ids.Contains(doomed), "the killed silo's engine left Ids", NothingHangs);

        Assert.Equal([5, 5], await rc[survivors].PullAsync<int>("kept").AsTask().WaitAsync(NothingHangs));
        Assert.Equal(
            Enumerable.Range(0, 20).Select(x => x * 3).ToArray(),
            await rc.LoadBalancedView().MapAsync((int x) => x * 3, Enumerable.Range(0, 20)).AsTask().WaitAsync(NothingHangs));
        var after = await rc[survivors].ApplyAsync(() => Environment.ProcessId).AsTask().WaitAsync(NothingHangs);
        Assert.Equal(new[] { primary.ProcessId, third.ProcessId }.Order(), after.Order());
        output.WriteLine($"engine {doomed} died with its silo; engines {string.Join(",", survivors)} answered through the other gateways");
    }
}
