using System.Net.Sockets;
using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Connection;

/// <summary>
/// Before the Orleans client starts, checks that some gateway it was given accepts a connection.
/// Orleans retries a refused gateway until its whole connect timeout (30 s by default), printing a
/// warning with a stack trace at each try; a refused port on a reachable host is known at once.
/// </summary>
internal static class GatewayProbe
{
    /// <summary>How long one address may take to accept (a host that drops packets gives no refusal).</summary>
    public static readonly TimeSpan PerGateway = TimeSpan.FromSeconds(2);

    /// <exception cref="ClusterUnreachableException">No gateway accepted a connection.</exception>
    public static async Task CheckAsync(ParallelClientOptions options, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var (host, port) in options.Gateways())
        {
            using var socket = new TcpClient();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(PerGateway < options.ConnectTimeout ? PerGateway : options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(host, port, wait.Token).ConfigureAwait(false);
                return; // something listens there; Orleans' handshake tells whether it is a gateway
            }
            catch (SocketException e)
            {
                failures.Add($"{host}:{port} ({Describe(e.SocketErrorCode)})");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{host}:{port} (no answer within {PerGateway.TotalSeconds:0} s)");
            }
        }
        throw new ClusterUnreachableException(
            $"No Orleans.Parallel gateway could be reached: {string.Join(", ", failures)}. " +
            "The address comes from ParallelClientOptions.GatewayHost and GatewayPort (default 127.0.0.1:30000)" +
            (options.AdditionalGateways.Count > 0 ? " and AdditionalGateways" : "") +
            ". Start a silo there (in the Orleans.Parallel repository: dotnet run -c Release --project Silo -- --engines 4; " +
            "its ready line names its gateway port), or point the options at a running one.");
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused: nothing listens on that port",
        SocketError.HostNotFound or SocketError.NoData => "unknown host",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        SocketError.TimedOut => "timed out",
        _ => error.ToString(),
    };
}
