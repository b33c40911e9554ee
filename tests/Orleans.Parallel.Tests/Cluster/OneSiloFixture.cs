using Microsoft.Extensions.Hosting;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>One silo without engines on free loopback ports, for tests that need its two ports rather than its work.</summary>
public sealed class OneSiloFixture : IAsyncLifetime
{
    private IHost? _host;

    /// <summary>The silo-to-silo port: it accepts connections but is no gateway.</summary>
    public int SiloPort { get; private set; }

    /// <summary>The client gateway port.</summary>
    public int GatewayPort { get; private set; }

    public async Task InitializeAsync()
    {
        var ports = LoopbackPorts.Reserve(2);
        (SiloPort, GatewayPort) = (ports[0], ports[1]);
        _host = SiloHostFactory.Create(new SiloSettings { Engines = 0, SiloPort = SiloPort, GatewayPort = GatewayPort });
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
    }
}
