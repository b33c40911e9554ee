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
    /// <summary>Connects to every gateway address; the ones that accepted stay open in the result.</summary>
    /// <exception cref="ClusterUnreachableException">No gateway accepted a connection.</exception>
    public static async Task<AcceptedGateways> CheckAsync(ParallelClientOptions options, CancellationToken cancellationToken)
    {
        var accepted = new List<(string, TcpClient)>();
        var failures = new List<string>();
        try
        {
            foreach (var (host, port) in options.Gateways())
            {
                var (connection, failure, _) = await TcpReach.ConnectAsync(host, port, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                if (connection is not null) accepted.Add(($"{host}:{port}", connection));
                else failures.Add(failure!);
            }
        }
        catch
        {
            foreach (var (_, open) in accepted) open.Dispose();
            throw;
        }
        if (accepted.Count == 0) throw new ClusterUnreachableException(ConnectAdvice.NoGateway(options, failures, siloPortFound: false));
        return new AcceptedGateways(accepted, failures);
    }
}
