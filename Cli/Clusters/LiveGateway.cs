using System.Net.Sockets;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// Whether a silo listens at a gateway of a connection file: a file outlives its cluster, and a
/// silo started without opx leaves no record, so only a connection tells which it is.
/// </summary>
internal static class LiveGateway
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>The first gateway of the cluster's connection file that takes a TCP connection; null for none, or no readable file.</summary>
    public static async Task<string?> FindAsync(ClusterLocation location)
    {
        ConnectionFile file;
        try
        {
            file = ConnectionFile.Read(location.ConnectionFile);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var gateway in file.Gateways)
        {
            using var tcp = new TcpClient();
            try
            {
                var (host, port) = ConnectionFile.ParseGateway(gateway, nameof(file.Gateways));
                await tcp.ConnectAsync(host, port).WaitAsync(Patience);
                return gateway;
            }
            catch (Exception e) when (e is SocketException or TimeoutException or ArgumentException)
            {
                // Not there: a gateway of an earlier run.
            }
        }
        return null;
    }
}
