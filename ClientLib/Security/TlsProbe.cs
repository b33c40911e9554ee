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
        var options = credential.ClientOptions(TargetHost(address));
        options.EnabledSslProtocols = SslProtocols.Tls12;
        // What the server sent, kept to read its certificate after a failure: the client's validation
        // callback runs only once the handshake completes, and a server that refuses this client's
        // certificate ends it before then.
        var recording = new RecordingStream(connection);
        var tls = new SslStream(recording, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
            recording.StopRecording();
            return (Outcome.Accepted, tls, address);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var received = recording.Received;
            if (received.Length == 0 && e is OperationCanceledException)
                return (Outcome.Silent, null, $"{address} (no answer to a TLS handshake within {Limit.TotalSeconds:0} s)"); // proves nothing: Orleans' own timeout decides
            if (received.Length == 0 || received[0] != HandshakeRecord)
                return (Outcome.NotTls, null, $"{address} (no TLS handshake: {Reason(e)})");
            using var presented = ServerCertificate(received) is { } der ? X509CertificateLoader.LoadCertificate(der) : null;
            if (presented is null) return (Outcome.Refused, null, $"{address} (the TLS handshake failed: {Reason(e)})");
            var thumbprint = ClusterCredential.Thumbprint(presented);
            if (!credential.Pins.Contains(thumbprint))
                return (Outcome.NotTrusted, null, $"{address} (it presented certificate {thumbprint}, which this client's credential does not trust: a silo of another cluster, or one whose credential has changed)");
            if (!credential.Accepts(presented))
                return (Outcome.NotTrusted, null, $"{address} (its certificate {thumbprint} is outside its validity dates, {presented.NotBefore:u} to {presented.NotAfter:u})");
            return (Outcome.Refused, null, $"{address} (it refused this client's certificate {credential.Id})");
        }
    }

    /// <summary>The TLS record type of handshake messages.</summary>
    private const byte HandshakeRecord = 22;

    /// <summary>
    /// The server's own certificate (DER) in the plaintext handshake records of a TLS 1.2 server's first
    /// flight: records of type 22 hold handshake messages (type, 24-bit length, body); message 11 is
    /// Certificate, a 24-bit list length, then each certificate as a 24-bit length and its bytes, the server's first.
    /// </summary>
    internal static byte[]? ServerCertificate(ReadOnlySpan<byte> received)
    {
        var messages = new List<byte>();
        for (var at = 0; at + 5 <= received.Length && received[at] == HandshakeRecord;)
        {
            var length = received[at + 3] << 8 | received[at + 4];
            var body = received.Slice(at + 5, Math.Min(length, received.Length - at - 5));
            messages.AddRange(body);
            at += 5 + length;
        }
        static int Length24(List<byte> b, int at) => b[at] << 16 | b[at + 1] << 8 | b[at + 2];
        for (var at = 0; at + 4 <= messages.Count;)
        {
            var length = Length24(messages, at + 1);
            if (at + 4 + length > messages.Count) return null;
            if (messages[at] == 11 && length >= 6)
            {
                var certificate = Length24(messages, at + 7);
                return at + 10 + certificate <= messages.Count ? messages.GetRange(at + 10, certificate).ToArray() : null;
            }
            at += 4 + length;
        }
        return null;
    }

    /// <summary>Passes reads and writes through, keeping a copy of the first bytes read (up to 64 KB) until told to stop.</summary>
    private sealed class RecordingStream(Stream inner) : Bulk.PassThroughStream(inner)
    {
        private readonly MemoryStream _received = new();
        private bool _recording = true;

        public byte[] Received => _received.ToArray();

        public void StopRecording()
        {
            _recording = false;
            _received.SetLength(0);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Record(buffer.Span[..read]);
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = Inner.Read(buffer);
            Record(buffer[..read]);
            return read;
        }

        private void Record(ReadOnlySpan<byte> bytes)
        {
            if (_recording && _received.Length < 64 * 1024) _received.Write(bytes);
        }
    }

    private static string TargetHost(string address) => address.LastIndexOf(':') is var colon and > 0 ? address[..colon] : address;

    private static string Reason(Exception e) => e is OperationCanceledException ? $"no answer within {Limit.TotalSeconds:0} s" : e.InnerException?.Message ?? e.Message;
}
