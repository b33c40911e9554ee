using System.Net.Sockets;

namespace Orleans.Parallel.Connection;

/// <summary>
/// The connections <see cref="GatewayProbe"/> made to the addresses that accepted, kept open while
/// the Orleans client starts, to tell a silo-to-silo port from a gateway: an Orleans silo port sends
/// its handshake as soon as it accepts (after TLS, when secure), while a gateway waits for the client's. Orleans' client, sent
/// to a silo port, retries its rejected handshake until the connect timeout.
/// </summary>
internal sealed class AcceptedGateways(IReadOnlyList<(string Address, Stream Connection)> accepted, IReadOnlyList<string> failed) : IDisposable
{
    /// <summary>What happened at the addresses that did not accept ("host:port (reason)").</summary>
    public IReadOnlyList<string> Failed { get; } = failed;

    /// <summary>
    /// Completes with the addresses, each described, once every accepted address has sent data unasked
    /// (none is a gateway); with null if one stays silent (it may be a gateway) or the wait ends.
    /// </summary>
    public async Task<IReadOnlyList<string>?> AllSiloPortsAsync(CancellationToken cancellationToken)
    {
        if (accepted.Count == 0) return null; // nothing to watch (the gateways were silent to TLS): Orleans' timeout decides
        var spoke = await Task.WhenAll(accepted.Select(a => SpeaksFirstAsync(a.Connection, cancellationToken))).ConfigureAwait(false);
        return spoke.All(s => s)
            ? [.. accepted.Select(a => $"{a.Address} (it accepts, but speaks first as an Orleans silo-to-silo port does: not a gateway)")]
            : null;
    }

    private static async Task<bool> SpeaksFirstAsync(Stream connection, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[1];
            return await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
        {
            return false; // closed, reset or given up: no sign either way
        }
    }

    public void Dispose()
    {
        foreach (var (_, connection) in accepted) connection.Dispose();
    }
}
