using Orleans.Messaging;
using Orleans.Parallel.Connection;
using Orleans.Parallel.Security;

namespace Orleans.Parallel;

/// <summary>
/// Decides whether Orleans' client tries again after a failed connection at start. When secure, it
/// first handshakes with every gateway the cluster lists (<see cref="TlsProbe"/>): if some answered and
/// none took this client's credential, retrying cannot help, so it stops and leaves the reason in
/// <see cref="Refusal"/>. Otherwise it waits a second and retries, until the connect timeout.
/// (A client given gateways by address is checked before Orleans starts, by <see cref="GatewayProbe"/>;
/// this covers clients that find gateways in a Redis or Azure membership table.)
/// </summary>
internal sealed class CredentialRetryFilter(IGatewayListProvider gateways, ClusterSecurity security) : IClientConnectionRetryFilter
{
    /// <summary>Why the cluster refused this client, once known.</summary>
    public string? Refusal { get; private set; }

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (security.Credential is { } credential)
        {
            var failures = new List<string>();
            var accepted = false;
            foreach (var gateway in await gateways.GetGateways().ConfigureAwait(false))
            {
                var (connection, _, _) = await TcpReach.ConnectAsync(gateway.Host, gateway.Port, TcpReach.PerAddress, cancellationToken).ConfigureAwait(false);
                if (connection is null) continue;
                var (outcome, tls, description) = await TlsProbe.HandshakeAsync(connection.GetStream(), $"{gateway.Host}:{gateway.Port}", credential, cancellationToken).ConfigureAwait(false);
                if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
                if (outcome is TlsProbe.Outcome.Accepted or TlsProbe.Outcome.Silent) accepted = true; // silence proves nothing
                else failures.Add(description);
            }
            if (!accepted && failures.Count > 0)
            {
                Refusal = string.Join(", ", failures);
                return false;
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
