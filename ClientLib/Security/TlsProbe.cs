using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Connection;

/// <summary>
/// One TLS handshake with a gateway before Orleans' client tries, so that a wrong or missing credential
/// is known at once and said plainly; Orleans would retry a refused handshake until its timeout.
/// <para>
/// It offers TLS 1.2 only: a 1.2 handshake completes only after the server has checked the client's
/// certificate, so a refusal shows in the handshake itself (in 1.3 the server judges the client's
/// certificate after the client has finished, and the refusal arrives only with the next read).
/// </para>
/// </summary>
internal static class TlsProbe
{
    public enum Outcome { Accepted, NotTrusted, Refused, NotTls, Silent }

    /// <summary>How long a handshake may take.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Handshakes over <paramref name="connection"/> (which it then owns). Accepted: the TLS stream, open.
    /// Otherwise what happened, described for a message that names <paramref name="address"/>.
    /// </summary>
    public static async Task<(Outcome Outcome, Stream? Stream, string Description)> HandshakeAsync(
        Stream connection, string address, ClusterCredential credential, CancellationToken cancellationToken)
    {
        string? presented = null;
        var trusted = false;
        var options = credential.ClientOptions(TargetHost(address));
        options.EnabledSslProtocols = SslProtocols.Tls12;
        options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            presented = certificate is null ? "" : ClusterCredential.Thumbprint(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            return trusted = credential.Accepts(certificate);
        };
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
            return (Outcome.Accepted, tls, address);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            return presented switch
            {
                // No answer at all proves nothing (a busy silo, or no gateway): Orleans' own timeout decides.
                null when e is OperationCanceledException => (Outcome.Silent, null, $"{address} (no answer to a TLS handshake within {Limit.TotalSeconds:0} s)"),
                null => (Outcome.NotTls, null, $"{address} (no TLS handshake: {Reason(e)})"),
                "" => (Outcome.NotTrusted, null, $"{address} (it presented no certificate)"),
                _ when !credential.Pins.Contains(presented) =>
                    (Outcome.NotTrusted, null, $"{address} (it presented certificate {presented}, which this client's credential does not trust: a silo of another cluster, or one whose credential has changed)"),
                _ when !trusted => (Outcome.NotTrusted, null, $"{address} (its certificate {presented} is outside its validity dates)"),
                _ => (Outcome.Refused, null, $"{address} (it refused this client's certificate {credential.Id})"),
            };
        }
    }

    private static string TargetHost(string address) => address.LastIndexOf(':') is var colon and > 0 ? address[..colon] : address;

    private static string Reason(Exception e) => e is OperationCanceledException ? $"no answer within {Limit.TotalSeconds:0} s" : e.InnerException?.Message ?? e.Message;
}
