using System.Net;
using System.Net.Sockets;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Free loopback ports for silos and the servers tests start. Asking the OS for port 0 twice can
/// return the same port twice, and a port from the ephemeral range can be taken as the source port
/// of any outgoing connection before the silo binds it. So ports come from below the ephemeral
/// range, each is checked by binding it, all are held until every one is found, and a port handed
/// out once is not handed out again by this process.
/// </summary>
public static class LoopbackPorts
{
    private const int LowestPort = 20000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>The gateway port a silo and client use when none is given: left to them.</summary>
    private const int OrleansDefaultGatewayPort = 30000;

    /// <summary>Returns <paramref name="count"/> distinct loopback ports that were free a moment ago.</summary>
    public static int[] Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var (ephemeralLow, _) = EphemeralRange();
        var highest = Math.Max(ephemeralLow, LowestPort + 1000);
        var held = new List<TcpListener>();
        try
        {
            lock (HandedOut)
            {
                for (var attempt = 0; held.Count < count && attempt < 2000; attempt++)
                {
                    var port = Random.Shared.Next(LowestPort, highest);
                    if (HandedOut.Contains(port) || port == OrleansDefaultGatewayPort) continue;
                    if (TryBind(port) is { } listener) held.Add(listener);
                }
                // A machine where nothing below the ephemeral range is free: let the OS choose.
                while (held.Count < count) held.Add(Bind(0));
                var ports = held.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
                HandedOut.UnionWith(ports);
                return ports;
            }
        }
        finally
        {
            foreach (var listener in held) listener.Stop();
        }
    }

    /// <summary>One free loopback port (see <see cref="Reserve"/>).</summary>
    public static int ReserveOne() => Reserve(1)[0];

    private static TcpListener? TryBind(int port)
    {
        try { return Bind(port); }
        catch (SocketException) { return null; }
    }

    private static TcpListener Bind(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return listener;
    }

    /// <summary>The range the OS picks outgoing source ports from (Linux publishes it; elsewhere the IANA range).</summary>
    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], out var low) && int.TryParse(parts[1], out var high)) return (low, high);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return (49152, 65535);
    }
}
