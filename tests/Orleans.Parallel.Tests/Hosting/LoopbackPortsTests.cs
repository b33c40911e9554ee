using System.Net;
using System.Net.Sockets;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Hosting;

public sealed class LoopbackPortsTests
{
    [Fact]
    public void Reserve_GivesDistinctPortsThatCanBeBound_BelowTheEphemeralRange()
    {
        var ports = LoopbackPorts.Reserve(40);
        Assert.Equal(40, ports.Distinct().Count());
        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0]);
        Assert.All(ports, p => Assert.InRange(p, 20000, ephemeralLow - 1));
        var listeners = ports.Select(p => new TcpListener(IPAddress.Loopback, p)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start(); // all at once: none is taken by another
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    [Fact]
    public void Reserve_NeverHandsOutAPortTwice()
    {
        // A silo's port and its gateway port once came out equal ("SiloPort and GatewayPort must differ").
        var seen = new HashSet<int>();
        for (var i = 0; i < 200; i++)
            foreach (var port in LoopbackPorts.Reserve(2))
                Assert.True(seen.Add(port), $"port {port} was handed out twice");
    }

    [Fact]
    public void Reserve_LessThanOne_IsAnArgumentError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LoopbackPorts.Reserve(0));
    }
}
