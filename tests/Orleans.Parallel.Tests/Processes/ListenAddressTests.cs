using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// <c>--address X</c> listens on X alone (silo, gateway and bulk ports); <c>--listen-any</c> listens on
/// every interface and still gives X to others. Read from the kernel's own table of listening sockets.
/// </summary>
public sealed partial class ListenAddressTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(false, "127.0.0.2")]
    [InlineData(true, "0.0.0.0")]
    public async Task Address_IsWhereEveryPortListens_UnlessListenAny(bool listenAny, string expected)
    {
        string[] args = ["--clustering", ClusterMembership.Redis, "--clustering-connection", redis.Connection, "--cluster-id", $"listen{Guid.NewGuid():N}",
                         "--address", "127.0.0.2", .. listenAny ? new[] { "--listen-any" } : []];
        await using var silo = await SiloProcess.StartAsync(1, Patience, args);
        var bulkPort = int.Parse(BulkPort().Match(silo.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Contains(listenAny ? "listening on every interface" : "listening on 127.0.0.2", silo.Output);

        foreach (var port in new[] { silo.SiloPort, silo.GatewayPort, bulkPort })
            Assert.Equal([IPAddress.Parse(expected)], ListeningAddresses(port));
        Assert.Equal(0, await silo.StopAsync());
    }

    /// <summary>The local addresses of IPv4 sockets listening on <paramref name="port"/> (/proc/net/tcp: hex address:port, state 0A).</summary>
    private static IReadOnlyList<IPAddress> ListeningAddresses(int port) => File.ReadLines("/proc/net/tcp").Skip(1)
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f[3] == "0A" && int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
        .Select(f => new IPAddress(uint.Parse(f[1].Split(':')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
        .ToArray();

    [GeneratedRegex(@"bulk [0-9.]+:(\d+)")]
    private static partial Regex BulkPort();
}
