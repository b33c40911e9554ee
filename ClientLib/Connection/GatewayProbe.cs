using System.Net.Sockets;
using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Connection;

/// <summary>
/// Before the Orleans client starts, checks that some gateway it was given accepts a connection.
/// Orleans retries a refused gateway until its whole connect timeout (30 s by default); a refused
/// port on a reachable host is known at once.
/// </summary>
internal static class GatewayProbe
{
    /// <summary>How long one address may take to accept (a host that drops packets gives no refusal).</summary>
    public static readonly TimeSpan PerGateway = TimeSpan.FromSeconds(2);

    /// <summary>Connects to every gateway address; the ones that accepted stay open in the result.</summary>
    /// <exception cref="ClusterUnreachableException">No gateway accepted a connection.</exception>
    public static async Task<AcceptedGateways> CheckAsync(ParallelClientOptions options, CancellationToken cancellationToken)
    {
        var accepted = new List<(string, TcpClient)>();
        var failures = new List<string>();
        var wait = PerGateway < options.ConnectTimeout ? PerGateway : options.ConnectTimeout;
        foreach (var (host, port) in options.Gateways())
        {
            var socket = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            try
            {
                await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
                accepted.Add(($"{host}:{port}", socket));
                continue;
            }
            catch (SocketException e)
            {
                failures.Add($"{host}:{port} ({Describe(e.SocketErrorCode)})");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{host}:{port} (no answer within {wait.TotalSeconds:0.#} s)");
            }
            catch
            {
                socket.Dispose();
                foreach (var (_, open) in accepted) open.Dispose();
                throw;
            }
            socket.Dispose();
        }
        if (accepted.Count == 0) throw new ClusterUnreachableException(ConnectAdvice.NoGateway(options, failures, siloPortFound: false));
        return new AcceptedGateways(accepted, failures);
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused: nothing listens on that port",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "unknown host",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        SocketError.TimedOut => "timed out",
        _ => error.ToString(),
    };
}
