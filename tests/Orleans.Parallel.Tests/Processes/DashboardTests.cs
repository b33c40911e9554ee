using System.Text.Json;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>The Orleans Dashboard behind --dashboard-port, served by a real silo process: its page, its assets and its counters (the silo, the engine grains).</summary>
public sealed class DashboardTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    [Fact]
    public async Task DashboardPort_ServesThePage_AndTheSilosCounters()
    {
        var port = LoopbackPorts.ReserveOne();
        await using var silo = await SiloProcess.StartAsync(2, timeout: null, "--dashboard-port", port.ToString());
        Assert.Contains($"dashboard http://127.0.0.1:{port}/", silo.Output);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60));
        Assert.Equal([1, 1], await rc[..].ApplyAsync(() => 1));

        using var page = await Http.GetAsync($"http://127.0.0.1:{port}/");
        page.EnsureSuccessStatusCode();
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        using var script = await Http.GetAsync($"http://127.0.0.1:{port}/index.min.js");
        script.EnsureSuccessStatusCode();

        using var counters = JsonDocument.Parse(await Http.GetStringAsync($"http://127.0.0.1:{port}/DashboardCounters"));
        var host = Assert.Single(counters.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal("Active", host.GetProperty("status").GetString());
        Assert.Equal(silo.GatewayPort, host.GetProperty("proxyPort").GetInt32());
        var engines = counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
            .Where(g => g.GetProperty("grainType").GetString() == "Orleans.Parallel.Grains.Engine.EngineGrain")
            .Sum(g => g.GetProperty("activationCount").GetInt32());
        Assert.Equal(2, engines);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(70000)]
    public async Task DashboardPort_OutOfRange_IsRefusedNamingIt(int port)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            LocalCluster.StartAsync(new SiloSettings { Engines = 1, DashboardPort = port, SiloPort = 11196, GatewayPort = 30096 }));
        Assert.Contains("DashboardPort must be 0 (any free port) or 1..65535", e.Message);
    }
}
