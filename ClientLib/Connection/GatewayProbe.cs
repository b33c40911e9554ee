using Orleans.Parallel.Errors;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Connection;

/// <summary>
/// Before the Orleans client starts, checks that some gateway it was given accepts a connection and,
/// when secure, this client's credential (<see cref="TlsProbe"/>). Orleans retries a refused gateway,
/// and a refused certificate, until its whole connect timeout (30 s by default); both are known at once.
/// </summary>
internal static class GatewayProbe
{
    /// <summary>Connects to every gateway address; the ones that accepted (and, if secure, completed TLS) stay open in the result.</summary>
    /// <exception cref="ClusterUnreachableException">No gateway accepted a connection.</exception>
    /// <exception cref="ClusterCredentialException">Gateways answered, but none accepted this client's credential or had a certificate it trusts.</exception>
    public static async Task<AcceptedGateways> CheckAsync(ParallelClientOptions options, ClusterSecurity security, CancellationToken cancellationToken)
    {
        var accepted = new List<(string, Stream)>();
        var failures = new List<string>();
        var credentialFailures = new List<string>();
        var silent = 0; // answered TCP, then nothing: left to Orleans' connect timeout
        try
        {
            foreach (var (host, port) in options.Gateways())
            {
                var address = $"{host}:{port}";
                var (connection, failure, _) = await TcpReach.ConnectAsync(host, port, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                if (connection is null)
                {
                    failures.Add(failure!);
                    continue;
                }
                if (security.Credential is not { } credential)
                {
                    accepted.Add((address, connection.GetStream()));
                    continue;
                }
                // The TLS stream owns the connection from here (TcpClient's stream owns its socket).
                var (outcome, tls, description) = await TlsProbe.HandshakeAsync(connection.GetStream(), address, credential, cancellationToken).ConfigureAwait(false);
                if (outcome == TlsProbe.Outcome.Accepted) accepted.Add((address, tls!));
                else if (outcome == TlsProbe.Outcome.Silent) silent++;
                else credentialFailures.Add(description);
            }
        }
        catch
        {
            foreach (var (_, open) in accepted) open.Dispose();
            throw;
        }
        if (accepted.Count == 0 && silent == 0 && credentialFailures.Count > 0)
            throw new ClusterCredentialException(ConnectAdvice.CredentialRefused(options, credentialFailures));
        if (accepted.Count == 0 && silent == 0) throw new ClusterUnreachableException(ConnectAdvice.NoGateway(options, failures, siloPortFound: false));
        return new AcceptedGateways(accepted, [.. failures, .. credentialFailures]);
    }
}
